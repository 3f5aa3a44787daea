"""The `wenzheng` command as a user runs it: real subprocesses, a settings file, the real sample."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import SAMPLE

WENZHENG = str(Path(sys.executable).with_name("wenzheng"))


def write_conf(folder: Path, sources: str) -> Path:
    conf = folder / "pelicanconf.py"
    conf.write_text(
        "TIMEZONE = 'Asia/Shanghai'\nPATH = 'content'\n"
        f"WENZHENG_STORE = 'store.sqlite3'\nWENZHENG_SOURCES = {sources}\n",
        encoding="utf-8",
    )
    return conf


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([WENZHENG, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300)


def test_pull_then_status_on_the_real_sample(tmp_path):
    files = [str(SAMPLE / f) for f in ("fj2_sample495_labelled.xlsx", "fj3_sample30_likes.xlsx", "fj4_sample120_replies.xlsx")]
    write_conf(tmp_path, repr([{"name": "tipdm", "kind": "table", "paths": files,
                                "labels": str(SAMPLE / "fj1_label_tree.xlsx"), "board": "A市"}]))
    first = run("pull", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "tipdm" in first.stdout and "644" in first.stdout
    second = run("pull", cwd=tmp_path)
    row = [line for line in second.stdout.splitlines() if "tipdm" in line][0]
    assert [cell.strip() for cell in row.strip("│ ").split("│")][1:4] == ["0", "0", "644"]
    status = run("status", cwd=tmp_path)
    assert status.returncode == 0
    assert "留言总数：644" in status.stdout and "城乡建设" in status.stdout and "A市" in status.stdout


def test_failed_items_are_named_and_set_the_exit_status_and_odd_dates_are_kept(tmp_path):
    csv = tmp_path / "export.csv"
    csv.write_text("留言编号,留言主题,留言时间\n1,路灯不亮,2019/2/28 11:25:05\n2,噪音扰民,某天\n,没有编号,2019/3/1\n",
                   encoding="utf-8")
    write_conf(tmp_path, repr([{"name": "desk", "kind": "table", "paths": [str(csv)]}]))
    result = run("pull", cwd=tmp_path)
    assert result.returncode == 1
    assert "desk" in result.stderr and "第 4 行" in result.stderr and "缺少编号" in result.stderr
    # the row with an unreadable date is kept, and the journalist is told which and why
    assert "注意" in result.stderr and "条目 2" in result.stderr and "某天" in result.stderr and "留言时间" in result.stderr
    assert "Traceback" not in result.stderr
    assert "留言总数：2" in run("status", cwd=tmp_path).stdout


def test_configuration_mistakes_are_all_named_at_once(tmp_path):
    write_conf(tmp_path, repr([
        {"name": "a", "kind": "table", "paths": ["missing.xlsx"], "colour": "red"},
        {"name": "b", "kind": "carrier-pigeon"},
        {"name": "c", "kind": "table", "paths": [], "rate_limit": "fast"},
    ]))
    result = run("status", cwd=tmp_path)
    assert result.returncode == 2
    for needle in ("missing.xlsx", "colour", "carrier-pigeon", "rate_limit", "paths"):
        assert needle in result.stderr, needle


def test_settings_lists_every_option_with_its_default(tmp_path):
    write_conf(tmp_path, "[]")
    result = run("settings", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    from wenzheng_bridge.settings import all_options
    from wenzheng_bridge.sources.table import TableSource

    for name in [*all_options(), *TableSource.options]:
        assert name in result.stdout, name


def sample_conf(folder: Path, store: str = "store.sqlite3") -> None:
    files = [str(SAMPLE / "fj4_sample120_replies.xlsx")]
    conf = write_conf(folder, repr([{"name": "tipdm", "kind": "table", "paths": files}]))
    conf.write_text(conf.read_text(encoding="utf-8").replace("'store.sqlite3'", repr(store)), encoding="utf-8")


def assert_one_message(result, *needles):
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stderr.strip().startswith("错误")
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)


def test_a_store_that_is_a_folder_or_not_sqlite_is_one_message(tmp_path):
    (tmp_path / "folder.sqlite3").mkdir()
    sample_conf(tmp_path, "folder.sqlite3")
    for command in ("pull", "status", "stats"):
        assert_one_message(run(command, cwd=tmp_path), str(tmp_path / "folder.sqlite3"), "文件夹", "WENZHENG_STORE")
    (tmp_path / "notes.sqlite3").write_text("这不是数据库，是一份采访笔记。\n" * 200, encoding="utf-8")
    sample_conf(tmp_path, "notes.sqlite3")
    for command in ("pull", "status", "stats"):
        assert_one_message(run(command, cwd=tmp_path), str(tmp_path / "notes.sqlite3"), "不是有效的 SQLite")
    debug = run("--debug", "status", cwd=tmp_path)
    assert debug.returncode != 0 and "Traceback" in debug.stderr and "StoreError" in debug.stderr


def test_a_store_locked_by_another_writer_is_one_message(tmp_path):
    import sqlite3

    sample_conf(tmp_path)
    assert run("pull", cwd=tmp_path).returncode == 0
    other = sqlite3.connect(tmp_path / "store.sqlite3", isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
        other.execute("UPDATE petitions SET views = 1")
        result = run("pull", cwd=tmp_path)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert_one_message(result, str(tmp_path / "store.sqlite3"), "锁定", "再试")
    assert run("pull", cwd=tmp_path).returncode == 0  # nothing was damaged


def test_an_unknown_source_and_an_unknown_kind_with_other_problems(tmp_path):
    sample_conf(tmp_path)
    assert_one_message(run("pull", "--source", "nope", cwd=tmp_path), "nope", "tipdm")
    write_conf(tmp_path, repr([{"name": "b", "kind": "carrier-pigeon", "rate_limit": "fast", "colour": 1}]))
    assert_one_message(run("status", cwd=tmp_path), "carrier-pigeon", "rate_limit", "colour")


def test_a_broken_export_is_a_message_not_a_traceback(tmp_path):
    real = (SAMPLE / "fj4_sample120_replies.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(real[: len(real) // 3])
    write_conf(tmp_path, repr([{"name": "desk", "kind": "table", "paths": [str(tmp_path / "cut.xlsx")]}]))
    result = run("pull", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "cut.xlsx" in result.stderr and "重新导出" in result.stderr


def test_the_bundled_column_article_does_not_stop_stats_on_another_store(tmp_path):
    from conftest import ROOT

    article = ROOT / "content" / "articles" / "2019-10-08-meili-zhicheng-youyan.md"
    (tmp_path / "content" / "articles").mkdir(parents=True)
    (tmp_path / "content" / "articles" / article.name).write_text(article.read_text(encoding="utf-8"), encoding="utf-8")
    sample_conf(tmp_path)  # fj4 only: none of the article's cases (they are in fj3)
    assert run("pull", cwd=tmp_path).returncode == 0
    result = run("stats", cwd=tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert article.name in result.stderr and "tipdm-360100" in result.stderr and "不在数据库中" in result.stderr


def test_a_malformed_newsroom_record_is_one_message_for_every_command(tmp_path):
    sample_conf(tmp_path)
    assert run("pull", cwd=tmp_path).returncode == 0
    record = tmp_path / "content" / "newsroom" / "tipdm-2549.txt"
    record.parent.mkdir(parents=True)
    record.write_text("2020-01-15 | resolved | 李四 | 已完工 | ftp:/x\n", encoding="utf-8")
    assert_one_message(run("stats", cwd=tmp_path), "tipdm-2549.txt", "第 1 行", "链接")
    # The desk goes on without that case's record, naming the file, the line and the field.
    budget = run("budget", "--size", "3", "--csv", "-", cwd=tmp_path)
    assert budget.returncode == 0 and "Traceback" not in budget.stderr
    for needle in ("警告", "tipdm-2549.txt", "第 1 行", "链接", "略过该案件"):
        assert needle in budget.stderr, (needle, budget.stderr)


def test_settings_are_described_in_chinese(tmp_path):
    import re

    from wenzheng_bridge.commands.settings_labels import LABELS
    from wenzheng_bridge.settings import all_options
    from wenzheng_bridge.sources.kinds import SOURCE_KINDS
    from wenzheng_bridge.sources.settings import COMMON_OPTIONS

    names = [*all_options(), *COMMON_OPTIONS, *(n for kind in SOURCE_KINDS for n in SOURCE_KINDS[kind].options)]
    assert [name for name in names if name not in LABELS] == []
    write_conf(tmp_path, "[]")
    shown = subprocess.run([WENZHENG, "settings"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                           env={**os.environ, "COLUMNS": "400"}).stdout
    assert "尚无中文说明" not in shown
    for name in ("WENZHENG_BUDGET_SIZE", "robots", "fids"):
        row = next(line for line in shown.splitlines() if f" {name} " in line)
        assert LABELS[name] in row and re.search(r"[\u4e00-\u9fff]", row)
    assert "选题单每栏的条数" in shown and "lines per story budget section" not in shown
