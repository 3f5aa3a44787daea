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
    assert "留言 644 条" in out and "已回复 120 件" in out
    # Only fj4 has reply columns (120 rows, each answered): the other 524 are in no denominator.
    assert "回复率 100.00%（按 120 件有答复记录的留言计" in out
    assert "另有 524 件留言的来源数据不含答复信息（答复情况不明）" in out
    assert "数据截至 2020-01-10 09:00（最近一次抓取 " in out  # the project's WENZHENG_NOW
    assert "答复用时（按 120 件有答复时间的留言计）：中位数 7 个工作日（9.95 天）" in out
    for title in ("历年概况", "历年主要领域占比", "按年份", "按板块", "按类型", "按领域", "按部门",
                  "部门按期答复排名", "热点话题"):
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


def test_stats_gives_the_yearly_view_with_partial_years(site, capsys, monkeypatch, sample_dir):
    from openpyxl import load_workbook

    monkeypatch.setenv("COLUMNS", "200")
    out = run(capsys, site)
    years = []
    for name in ("fj2_sample495_labelled.xlsx", "fj3_sample30_likes.xlsx", "fj4_sample120_replies.xlsx"):
        rows = load_workbook(sample_dir / name, read_only=True).worksheets[0].iter_rows(values_only=True)
        header = next(rows)
        at = header.index("留言时间")
        years += [(str(r[at]).strip()[:4], "答复意见" in header) for r in rows if r[0] is not None]
    first, last = min(y for y, _ in years), max(y for y, _ in years)
    yearly = out.split("历年概况", 1)[1].split("历年主要领域占比", 1)[0]
    assert f"{first}（不完整）" in yearly and f"{last}（不完整）" in yearly
    # The last year's posts all come from sheets without reply columns: no reply rate, not a drop to 0%.
    assert not any(carried for year, carried in years if year == last)
    row = next(line for line in yearly.splitlines() if f"{last}（不完整）" in line)
    assert "—（0）" in row and "0.00（" not in row
