"""`wenzheng stats` on a copy of the project with the real sample pulled."""
from __future__ import annotations

import shutil
from datetime import date

import pytest

from wenzheng_bridge.caseview import cases, reply_rate
from wenzheng_bridge.cli import main
from wenzheng_bridge.store import Store


@pytest.fixture
def site(project_copy, sample_store):
    shutil.copy(sample_store, project_copy / "data" / "wenzheng.sqlite3")
    return project_copy


def run(capsys, site, *args) -> str:
    code = main(["-s", str(site / "pelicanconf.py"), "stats", *args])
    out = capsys.readouterr().out
    assert code == 0, out
    return out


def test_stats_prints_the_headline_figures_in_chinese(site, capsys):
    out = run(capsys, site, "--topics", "--rows", "5")
    assert "留言 644 条" in out and "已回复 120 条" in out
    assert "回复率 18.63%" in out
    assert "中位数 7 个工作日（9.95 天）" in out
    for title in ("按年份", "按板块", "按类型", "按领域", "按部门", "部门按期答复排名", "热点话题"):
        assert title in out
    assert "样本不足" in out  # no department in the sample reaches 30 petitions
    assert "魅力之城" in out


def test_stats_for_a_period(site, capsys, sample_store):
    out = run(capsys, site, "--from", "2019-01-01", "--to", "2019-12-31")  # both days included
    with Store.open(sample_store, readonly=True) as store:
        views = list(cases(store, {}))
    expected = reply_rate(views, date(2019, 1, 1), date(2020, 1, 1))
    count = sum(1 for c in views if c.petition.posted.year == 2019)
    assert f"留言 {count} 条" in out and f"回复率 {expected}%" in out
    assert "2019-01-01 至 2019-12-31" in out


def test_stats_on_an_empty_period(site, capsys):
    out = run(capsys, site, "--from", "2031-01-01")
    assert "没有符合条件的留言" in out
