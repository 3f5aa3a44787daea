"""Statistics on the real sample: reply times checked against the raw cells, reply rate, rankings."""
from __future__ import annotations

import statistics
from dataclasses import replace
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from wenzheng_bridge.caseview import cases, reply_rate, stats, wilson
from wenzheng_bridge.caseview.view import CaseBuilder
from wenzheng_bridge.store import Store

NOW = {"WENZHENG_NOW": "2020-02-01T12:00:00+08:00"}
FILES = ("fj2_sample495_labelled.xlsx", "fj3_sample30_likes.xlsx", "fj4_sample120_replies.xlsx")


def raw_rows(sample_dir, name):
    """Rows of a sheet as dicts, read with openpyxl alone (not through the project's adapter)."""
    sheet = load_workbook(sample_dir / name, read_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows)
    return [dict(zip(header, row)) for row in rows if row[0] is not None]


def raw_time(cell) -> datetime:
    return cell if isinstance(cell, datetime) else datetime.strptime(cell.strip(), "%Y/%m/%d %H:%M:%S")


@pytest.fixture(scope="module")
def views(sample_store):
    with Store.open(sample_store, readonly=True) as store:
        return list(cases(store, NOW))


@pytest.fixture(scope="module")
def fj4(sample_dir):
    return raw_rows(sample_dir, "fj4_sample120_replies.xlsx")


def test_fj4_median_reply_time_matches_the_raw_cells(views, fj4):
    delays = [(raw_time(r["答复时间"]) - raw_time(r["留言时间"])).total_seconds() / 86400 for r in fj4]
    expected = statistics.median(delays)
    ids = {f"tipdm-{r['留言编号']}" for r in fj4}
    result = stats([c for c in views if c.key in ids], NOW)
    assert result.total.count == len(fj4) == 120
    assert result.total.median_calendar() == pytest.approx(expected, abs=0.005)
    assert result.total.median_calendar() == pytest.approx(9.95, abs=0.01)
    assert result.total.p90_calendar() == pytest.approx(statistics.quantiles(delays, n=10, method="inclusive")[-1],
                                                        abs=0.005)
    # Working days are fewer than calendar days, never more.
    assert 0 < result.total.median_working() < result.total.median_calendar()


def test_reply_rate_reproducible_from_the_raw_sheets(views, sample_dir, fj4):
    ids = set()
    for name in FILES:
        ids |= {str(r["留言编号"]) for r in raw_rows(sample_dir, name)}
    answered = {str(r["留言编号"]) for r in fj4 if r["答复意见"] and str(r["答复意见"]).strip()}
    # Only sheets with reply columns can say whether a post was answered: fj4 alone (fj2, fj3 have none).
    carried = {str(r["留言编号"]) for name in FILES for r in raw_rows(sample_dir, name) if "答复意见" in r}
    assert len(carried) == 120 and len(ids) == 644
    expected = f"{100 * len(answered & carried) / len(carried):.2f}"
    assert reply_rate(views) == expected == "100.00"
    total = stats(views, NOW).total
    assert total.reply_rate == expected and (total.count, total.reply_base) == (644, 120)
    # Any order, any build: the same figure.
    assert reply_rate(reversed(views)) == expected

    posted_2019 = {str(r["留言编号"]) for name in FILES for r in raw_rows(sample_dir, name)
                   if raw_time(r["留言时间"]).year == 2019}
    expected_2019 = f"{100 * len(posted_2019 & answered) / len(posted_2019 & carried):.2f}"
    assert reply_rate(views, date(2019, 1, 1), date(2020, 1, 1)) == expected_2019
    assert reply_rate(views, datetime(2030, 1, 1)) == "0.00"


def test_breakdowns_add_up(views):
    result = stats(views, NOW)
    for dimension in ("board", "department", "type", "field", "year"):
        groups = result.by[dimension].values()
        assert sum(g.count for g in groups) == 644
        assert sum(g.replied for g in groups) == 120
    assert set(result.by["type"]) == {"建议", "咨询", "举报", "诉求"}
    assert result.by["year"]["2019"].count == sum(1 for c in views if c.petition.posted.year == 2019)
    assert result.total.overdue == sum(1 for c in views if c.overdue_days > 0)
    figures = result.total.as_dict()
    assert figures["reply_rate"] == "100.00" and figures["reply_base"] == 120 and figures["median_calendar_days"] == pytest.approx(9.95, abs=0.01)


def test_wilson_interval_reference_values():
    low, high = wilson(5, 10)
    assert (round(low, 4), round(high, 4)) == (0.2366, 0.7634)
    low, high = wilson(0, 1)
    assert low == 0 and round(high, 4) == 0.7935
    assert wilson(0, 0) == (0.0, 0.0)


def test_small_department_listed_but_not_ranked(sample_store):
    with Store.open(sample_store, readonly=True) as store:
        answered = [p for p in store.petitions() if p.replies]
    builder = CaseBuilder(NOW)
    on_time = [p for p in answered if builder.build(p).overdue_days == 0]
    assert len(on_time) >= 2
    # A big department: 40 real answered petitions, mostly late; a tiny one: two on-time answers.
    big = [builder.build(replace(p, department="甲局")) for p in answered[:40]]
    tiny = [builder.build(replace(p, department="乙局")) for p in on_time[:2]]
    result = stats(big + tiny, {})
    by_name = {r.group.name: r for r in result.rankings}
    assert result.min_sample == 30
    assert by_name["甲局"].rank == 1
    assert by_name["乙局"].rank is None and by_name["乙局"].group.on_time_rate == "100.00"
    assert [r.group.name for r in result.rankings] == ["甲局", "乙局"]  # listed after the ranked
    assert (by_name["甲局"].low, by_name["甲局"].high) == wilson(by_name["甲局"].group.on_time, 40)
    # With a smaller minimum the tiny one ranks, on its Wilson lower bound (2 of 2: 0.342)
    # against the big one's (17 of 40 on time in the sample, with the inferred types: 0.285).
    assert by_name["甲局"].group.on_time == 17
    result = stats(big + tiny, {"WENZHENG_MIN_RANK_SAMPLE": 2})
    assert {r.group.name: r.rank for r in result.rankings} == {"乙局": 1, "甲局": 2}
