"""The desk's ground rules without a browser: who may start it where, accounts, the 回访 record,
versioned atomic writes shared with the commands (real subprocesses over the real sample store)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest

from wenzheng_bridge.caseview.view import cases
from wenzheng_bridge.desk import accounts as acc
from wenzheng_bridge.desk.serving import DeskError, check_address
from wenzheng_bridge.newsroom import actions
from wenzheng_bridge.newsroom import records as nr
from wenzheng_bridge.records import SHANGHAI
from wenzheng_bridge.settings import load
from wenzheng_bridge.store import Store

WENZHENG = str(Path(sys.executable).with_name("wenzheng"))


@pytest.fixture
def folder(sample_store, tmp_path) -> Path:
    (tmp_path / "content").mkdir()
    (tmp_path / "pelicanconf.py").write_text(
        "TIMEZONE = 'Asia/Shanghai'\nPATH = 'content'\nARTICLE_PATHS = ['articles', 'drafts']\n"
        f"WENZHENG_STORE = {str(sample_store)!r}\nWENZHENG_NOW = '2020-02-01T09:00:00+08:00'\n", encoding="utf-8")
    return tmp_path


def run(folder: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([WENZHENG, *args], cwd=folder, capture_output=True, text=True, input=stdin,
                          env={**os.environ, "COLUMNS": "200"}, timeout=120)


def test_desk_refuses_another_address_without_accounts(folder):
    refused = run(folder, "desk", "--host", "0.0.0.0", "--port", "0")
    assert refused.returncode == 2
    assert "不能在 0.0.0.0 上无密码开放" in refused.stderr and "desk-user add" in refused.stderr
    assert "Traceback" not in refused.stderr and refused.stdout == ""


def test_accounts_hash_passwords_and_open_other_addresses(folder):
    users = folder / "desk-users.json"
    with pytest.raises(DeskError):
        check_address("0.0.0.0", users)
    check_address("127.0.0.1", users)  # this machine needs no accounts
    check_address("localhost", users)
    with pytest.raises(acc.AccountError, match="密码至少 8 个字符"):
        acc.add(users, "王五", "short", "editor")
    added = run(folder, "desk-user", "add", "王五", "--role", "editor", "--password-stdin", stdin="long-enough-1\n")
    assert added.returncode == 0, added.stderr
    stored = json.loads(users.read_text(encoding="utf-8"))
    assert stored["王五"]["role"] == "editor" and "long-enough-1" not in users.read_text(encoding="utf-8")
    assert oct(users.stat().st_mode & 0o777) == "0o600"
    assert acc.check(stored, "王五", "long-enough-1") == acc.Account("王五", "editor")
    assert acc.check(stored, "王五", "long-enough-2") is None
    assert "王五（编辑）" in run(folder, "desk-user", "list").stdout
    check_address("0.0.0.0", users)  # with accounts it may serve beyond this machine


def test_revisit_with_satisfaction_and_quote_from_the_command(folder):
    done = run(folder, "followup", "360105", "--kind", "回访", "--satisfaction", "满意", "--quote", "路灯修好了",
               "--note", "电话回访，住 3 栋 502 室", "--who", "张三", "--date", "2020-01-20")
    assert done.returncode == 0, done.stderr
    settings = load(str(folder / "pelicanconf.py"))
    line = nr.record_path(settings, "tipdm-360105").read_text(encoding="utf-8").splitlines()[-1]
    assert line == "2020-01-20 | revisited | 张三 | 电话回访，住 3 栋 502 室 |  |  | 满意 | 路灯修好了"
    records = nr.load(settings)
    with Store.open(settings["WENZHENG_STORE"], readonly=True) as store:
        case = next(c for c in cases(store, settings, records=records) if c.key == "tipdm-360105")
    event = next(e for e in case.timeline if e.kind == "revisited")
    assert event.label == "回访" and event.text == "居民评价：满意；“路灯修好了”"  # never the internal note
    with pytest.raises(actions.ActionError, match="回访必须写明居民的满意度"):
        actions.followup(settings, "tipdm-360105", "回访", event.time, "电话回访")


@pytest.mark.parametrize("line, field", [
    ("2020-01-20 | 回访 | 张三 | 电话回访", "满意度"),  # a 回访 without its rating
    ("2020-01-20 | 回访 | 张三 | 电话回访 | | | 很好", "满意度"),
    ("2020-01-20 | visited | 张三 | 走访 | | | 满意", "满意度"),
    ("2020-01-20 | visited | 张三 | 走访 | | | | 原话", "居民原话"),
])
def test_bad_revisit_lines_are_named(line, field):
    with pytest.raises(nr.RecordError, match=field):
        nr.parse_line(line, "tipdm-360105", Path("tipdm-360105.txt"), 3)


def test_stale_version_is_refused_and_concurrent_writers_keep_every_line(folder):
    settings = load(str(folder / "pelicanconf.py"))
    when = datetime(2020, 1, 20, tzinfo=SHANGHAI)
    seen = actions.version(settings, "tipdm-360106")
    assert seen == "0"
    actions.followup(settings, "tipdm-360106", "visited", when, "第一次", expected=seen)
    path = nr.record_path(settings, "tipdm-360106")
    before = path.read_bytes()
    with pytest.raises(actions.StaleError, match="已被他人修改"):
        actions.followup(settings, "tipdm-360106", "visited", when, "第二次", expected=seen)
    assert path.read_bytes() == before

    def write_many(who: str) -> None:
        for number in range(15):
            actions.write(settings, nr.Entry(case="tipdm-360106", kind="visited", date=when, who=who,
                                             note=f"{who}{number}"))

    threads = [threading.Thread(target=write_many, args=(who,)) for who in ("甲", "乙", "丙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    notes = [entry.note for entry in nr.read_file(path)]
    assert sorted(notes) == sorted(["第一次"] + [f"{who}{n}" for who in "甲乙丙" for n in range(15)])
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []
