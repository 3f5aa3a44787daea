"""An empty department ranking says why, in `wenzheng stats` and on the site."""
from __future__ import annotations

import re
import shutil

import pytest

from wenzheng_bridge.caseview import cases
from wenzheng_bridge.caseview.stats import UNLABELLED, stats
from wenzheng_bridge.caseview.unranked import why_unranked
from wenzheng_bridge.cli import main
from wenzheng_bridge.store import Store


def test_says_why_no_group_is_ranked():
    note = why_unranked({"A3区洋湖街道": 3, "A7县教育局": 5, "": 9}, 30, unlabelled=596)
    assert note == ("部门排名为空：2 个部门中留言最多的“A7县教育局”也只有 5 件，不足参与排名的最低样本 30 件；"
                    "另有 596 件留言的答复未写明部门（未标注），不计入排名。")
    assert why_unranked({}, 30, unlabelled=12) == "部门排名为空：尚无可识别的答复部门；另有 12 件留言的答复未写明部门（未标注），不计入排名。"
    assert why_unranked({"A7县教育局": 30, "A3区": 2}, 30, unlabelled=5) == ""


@pytest.fixture
def site(project_copy, sample_store):
    shutil.copy(sample_store, project_copy / "data" / "wenzheng.sqlite3")
    return project_copy


def test_stats_command_says_why_the_ranking_is_empty(site, capsys, sample_store):
    assert main(["-s", str(site / "pelicanconf.py"), "stats"]) == 0
    out = re.sub(r"\s+", "", capsys.readouterr().out)  # rich wraps the caption
    with Store.open(sample_store, readonly=True) as store:
        computed = stats(cases(store, {}), {})
    departments = {n: g.count for n, g in computed.by["department"].items() if n != UNLABELLED}
    assert departments and max(departments.values()) < 30  # the sample: no unit reaches the minimum
    unlabelled = computed.by["department"][UNLABELLED].count
    assert f"另有{unlabelled}件留言的答复未写明部门（未标注）" in out
    assert f"{len(departments)}个部门中留言最多的" in out and "不足参与排名的最低样本30件" in out
