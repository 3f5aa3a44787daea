"""The newsroom commands as a reporter runs them: real subprocesses over the real sample store."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

WENZHENG = str(Path(sys.executable).with_name("wenzheng"))


@pytest.fixture(scope="module")
def desk(sample_store, tmp_path_factory) -> Path:
    """A newsroom folder: settings naming the shared sample store, an empty content folder."""
    folder = tmp_path_factory.mktemp("desk")
    (folder / "content").mkdir()
    (folder / "pelicanconf.py").write_text(
        "TIMEZONE = 'Asia/Shanghai'\nPATH = 'content'\nARTICLE_PATHS = ['articles', 'drafts']\n"
        f"WENZHENG_STORE = {str(sample_store)!r}\nWENZHENG_NOW = '2020-02-01T09:00:00+08:00'\n",
        encoding="utf-8",
    )
    return folder


def run(desk: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([WENZHENG, *args], cwd=desk, capture_output=True, text=True, env=env, timeout=300)


def record(desk: Path, key: str) -> list[str]:
    return (desk / "content" / "newsroom" / f"{key}.txt").read_text(encoding="utf-8").splitlines()


def test_claim_followup_takedown_clear_write_plain_text_lines(desk):
    claim = run(desk, "claim", "360102", "--reporter", "张三", "--date", "2020-01-20 14:30", "--note", "去现场")
    assert claim.returncode == 0, claim.stderr
    assert "tipdm-360102" in claim.stdout and "记者认领" in claim.stdout
    visit = run(desk, "followup", "tipdm-360102", "--kind", "实地走访", "--note", "油烟仍在直排",
                "--who", "张三", "--date", "2020-01-21")
    assert visit.returncode == 0, visit.stderr
    lines = record(desk, "tipdm-360102")
    assert lines[0].startswith("# ") and lines[2:] == [
        "2020-01-20 14:30 | claimed | 张三 | 去现场", "2020-01-21 | visited | 张三 | 油烟仍在直排"]

    down = run(desk, "takedown", "360114", "--reason", "当事人要求撤下", "--who", "王编辑")
    assert down.returncode == 0 and "移除" in down.stdout
    assert record(desk, "tipdm-360114")[-1].endswith("| takedown | 王编辑 | 当事人要求撤下")
    cleared = run(desk, "clear", "156631", "--who", "李编辑", "--note", "已核实，可以公开")
    assert cleared.returncode == 0
    assert record(desk, "tipdm-156631")[-1].endswith("| cleared | 李编辑 | 已核实，可以公开")


@pytest.mark.parametrize("args, message", [
    (("claim", "42", "--reporter", "张三"), "数据库中没有案件 42"),
    (("followup", "360102", "--kind", "phoned", "--note", "x"), "未知的跟进类型 'phoned'"),
    (("followup", "360102", "--kind", "visited", "--note", "x", "--date", "下周"), "--date：无法识别的日期 '下周'"),
    (("budget", "--since", "上月"), "--since：无法识别的日期 '上月'"),
])
def test_mistakes_are_named_without_traceback(desk, args, message):
    result = run(desk, *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_budget_prints_sections_and_writes_filtered_csv(desk):
    run(desk, "takedown", "360113", "--reason", "重复留言")
    result = run(desk, "budget", "--board", "A市", "--size", "30", "--csv", "desk.csv")
    assert result.returncode == 0, result.stderr
    for heading in ("正在升温", "新近解决", "逾期待追", "热点话题", "认领跟进中"):
        assert heading in result.stdout
    raw = (desk / "desk.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: the desk opens it in Excel
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert rows and {row["板块"] for row in rows} == {"A市"}
    gated = {row["案件编号"]: row["不公开原因"] for row in rows if row["不公开原因"]}
    assert gated.get("tipdm-360113") == "已撤下：重复留言"
    assert any("举报" in reason for reason in gated.values())


def test_report_drafted_only_when_named_and_takedown_refused(desk):
    auto = run(desk, "drafts", "--auto", "5")
    assert auto.returncode == 0, auto.stderr
    drafts = sorted((desk / "content" / "drafts").glob("*.md"))
    assert len(drafts) == 5 and auto.stdout.count("新建") == 5
    texts = [d.read_text(encoding="utf-8") for d in drafts]
    assert all("Status: draft" in t and "Type: 举报" not in t for t in texts)
    rerun = run(desk, "drafts", "--auto", "5")
    assert rerun.stdout.count("无变化") == 5, rerun.stdout

    named = run(desk, "draft", "tipdm-156631")  # a 举报, named by the editor
    assert named.returncode == 0, named.stderr
    text = (desk / "content" / "drafts" / "wenzheng-tipdm-156631.md").read_text(encoding="utf-8")
    assert "Type: 举报" in text and "Status: draft" in text
    run(desk, "takedown", "360110", "--reason", "当事人要求撤下")
    refused = run(desk, "draft", "360110")
    assert refused.returncode == 2 and "已撤下" in refused.stderr


def test_malformed_hand_edit_stops_commands_naming_file_line_field(desk):
    path = desk / "content" / "newsroom" / "tipdm-35462.txt"
    path.write_text("2020-01-15 | resolved | 李四 | 辅道已开工\n2020-01-16 | 解决了 | 李四\n", encoding="utf-8")
    try:
        result = run(desk, "budget", "--csv", "-")
    finally:
        path.unlink()
    assert result.returncode == 2
    assert "tipdm-35462.txt" in result.stderr and "第 2 行" in result.stderr and "字段 类型" in result.stderr
