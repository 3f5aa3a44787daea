"""The newsroom commands as a reporter runs them: real subprocesses over the real sample store."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

WENZHENG = str(Path(sys.executable).with_name("wenzheng"))


def write_desk(folder: Path, store: Path) -> Path:
    """A newsroom folder: settings naming the store, an empty content folder."""
    (folder / "content").mkdir()
    (folder / "pelicanconf.py").write_text(
        "TIMEZONE = 'Asia/Shanghai'\nPATH = 'content'\nARTICLE_PATHS = ['articles', 'drafts']\n"
        f"WENZHENG_STORE = {str(store)!r}\nWENZHENG_NOW = '2020-02-01T09:00:00+08:00'\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def desk(sample_store, tmp_path_factory) -> Path:
    return write_desk(tmp_path_factory.mktemp("desk"), sample_store)


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
    (("followup", "360102", "--kind", "走访", "--note", "x", "--due", "下周五"), "--due：无法识别的日期 '下周五'"),
    (("followup", "360102", "--kind", "认领", "--note", "x"), "认领请用 wenzheng claim"),
])
def test_mistakes_are_named_without_traceback(desk, args, message):
    result = run(desk, *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_budget_prints_sections_and_writes_filtered_csv(desk):
    run(desk, "claim", "360113", "--reporter", "赵六", "--date", "2020-01-05")
    run(desk, "takedown", "360113", "--reason", "重复留言")
    result = run(desk, "budget", "--board", "A市", "--size", "30", "--csv", "desk.csv")
    assert result.returncode == 0, result.stderr
    for heading in ("认领跟进中", "正在升温", "新近解决", "逾期待追", "待回访", "热点话题"):
        assert heading in result.stdout
    raw = (desk / "desk.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: the desk opens it in Excel
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert rows and {row["板块"] for row in rows} == {"A市"}
    assert all(row["案件页"].startswith("file:///") and row["案件页"].endswith("/index.html") for row in rows)
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


def test_malformed_hand_edit_is_named_and_skips_only_its_case(desk):
    path = desk / "content" / "newsroom" / "tipdm-35462.txt"
    path.write_text("2020-01-15 | resolved | 李四 | 辅道已开工\n2020-01-16 | 解决了 | 李四\n", encoding="utf-8")
    try:
        result = run(desk, "budget", "--size", "200", "--csv", "skip.csv")
        draft = run(desk, "draft", "35462")
        other = run(desk, "draft", "360102")
    finally:
        path.unlink()
    assert result.returncode == 0, result.stderr
    assert "tipdm-35462.txt" in result.stderr and "第 2 行" in result.stderr and "字段 类型" in result.stderr
    keys = {row["案件编号"] for row in csv.DictReader((desk / "skip.csv").read_text(encoding="utf-8-sig").splitlines())}
    assert "tipdm-35462" not in keys and len(keys) > 20
    assert draft.returncode == 2 and "tipdm-35462.txt" in draft.stderr and "第 2 行" in draft.stderr
    assert other.returncode == 0, other.stderr


def test_claim_take_unclaim_and_due_keep_a_record_of_who_holds_the_case(desk):
    first = run(desk, "claim", "360103", "--reporter", "张三", "--date", "2020-01-10")
    assert first.returncode == 0, first.stderr
    second = run(desk, "claim", "360103", "--reporter", "李四", "--date", "2020-01-11")
    assert second.returncode == 2
    assert "已由 张三 于 2020-01-10 认领" in second.stderr and "--take" in second.stderr
    assert len(record(desk, "tipdm-360103")) == 3  # header, kinds, the first claim only
    taken = run(desk, "claim", "360103", "--reporter", "李四", "--take", "--date", "2020-01-12")
    assert taken.returncode == 0, taken.stderr
    assert record(desk, "tipdm-360103")[-1] == "2020-01-12 | claimed | 李四 | 接手（原认领：张三）"
    visit = run(desk, "followup", "360103", "--kind", "走访", "--note", "约了物业", "--who", "李四",
                "--date", "2020-01-13", "--due", "2020-01-20")
    assert visit.returncode == 0, visit.stderr
    assert record(desk, "tipdm-360103")[-1] == "2020-01-13 | visited | 李四 | 约了物业 |  | 2020-01-20"
    mine = run(desk, "budget", "--reporter", "李四", "--csv", "mine.csv")
    assert mine.returncode == 0, mine.stderr
    rows = list(csv.DictReader((desk / "mine.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["案件编号"], r["记者"], r["下一步期限"]) for r in rows] == [("tipdm-360103", "李四", "2020-01-20")]
    dropped = run(desk, "unclaim", "360103", "--date", "2020-01-14")
    assert dropped.returncode == 0, dropped.stderr
    assert record(desk, "tipdm-360103")[-1] == "2020-01-14 | unclaimed | 李四 | 撤销 李四 的认领"
    again = run(desk, "unclaim", "360103")
    assert again.returncode == 2 and "没有人认领" in again.stderr
    assert run(desk, "budget", "--reporter", "李四", "--csv", "-").returncode == 0


@pytest.mark.parametrize("word, key", [("走访", "visited"), ("采访", "interviewed"), ("部门处理", "acted"),
                                       ("解决", "resolved"), ("未解决", "unresolved"), ("重新打开", "reopened")])
def test_followup_kinds_in_reporters_words(desk, word, key):
    result = run(desk, "followup", "360104", "--kind", word, "--note", "x", "--date", "2020-01-15")
    assert result.returncode == 0, result.stderr
    assert record(desk, "tipdm-360104")[-1] == f"2020-01-15 | {key} | x" or \
        record(desk, "tipdm-360104")[-1].startswith(f"2020-01-15 | {key} |")


@pytest.mark.parametrize("args, message", [
    (("budget", "--type", "投诉"), "--type：没有类型 '投诉'（可用："),
    (("budget", "--status", "overdue"), "--status：没有状态 'overdue'"),
    (("budget", "--board", "火星"), "--board：没有板块 '火星'"),
    (("budget", "--since", "2019-10-01", "--until", "2019-09-01"), "日期范围颠倒了"),
])
def test_budget_refuses_filters_that_match_nothing(desk, args, message):
    result = run(desk, *args, "--csv", "-")
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_argparse_frame_and_errors_are_chinese(desk):
    help_text = run(desk, "claim", "--help").stdout
    assert "用法：" in help_text and "位置参数" in help_text and "选项" in help_text and "显示本帮助并退出" in help_text
    for english in ("usage:", "positional arguments", "options:", "show this help"):
        assert english not in help_text
    missing = run(desk, "claim")
    assert missing.returncode == 2 and "缺少必需的参数" in missing.stderr and "required" not in missing.stderr
    wrong = run(desk, "budget", "--size", "many")
    assert wrong.returncode == 2 and "不是有效的整数：'many'" in wrong.stderr
    unknown = run(desk, "budgte")
    assert unknown.returncode == 2 and "无效的取值 'budgte'" in unknown.stderr and "invalid choice" not in unknown.stderr


def test_a_record_dated_in_the_future_skips_only_its_case(desk):
    path = desk / "content" / "newsroom" / "tipdm-360109.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text("2030-01-15 | visited | 李四 | 年份写错了\n", encoding="utf-8")
    try:
        result = run(desk, "budget", "--csv", "-")
        other = run(desk, "claim", "360111", "--reporter", "钱七", "--date", "2020-01-30")
        refused = run(desk, "claim", "360109", "--reporter", "钱七")
    finally:
        path.unlink()
    assert result.returncode == 0 and "tipdm-360109.txt" in result.stderr and "晚于数据截至时间" in result.stderr
    assert other.returncode == 0, other.stderr
    assert refused.returncode == 2 and "请先改正" in refused.stderr and "tipdm-360109.txt" in refused.stderr


def test_claiming_again_for_the_same_reporter_records_nothing(desk):
    assert run(desk, "claim", "360112", "--reporter", "孙八", "--date", "2020-01-30").returncode == 0
    again = run(desk, "claim", "360112", "--reporter", "孙八")
    assert again.returncode == 0 and "无需重复认领" in again.stdout
    assert [line for line in record(desk, "tipdm-360112") if not line.startswith("#")] == [
        "2020-01-30 | claimed | 孙八"]
