"""成效 (results after publication) on the bundled sample: the 见报后 clock, the 问政成效 page, feed and command.

The expected figures are worked out here from the record files themselves (the column
article's ``Date:`` and ``Cases:``, the 示例 record's resolved and 回访 lines) and the
official calendar day by day (``references.working_days_between``), not from the case view.
"""
from __future__ import annotations

import re
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from browser.build import NOW as BUILD_NOW
from references import working_days_between
from wenzheng_bridge.caseview.reported import reported_cases
from wenzheng_bridge.caseview.results import CLOCK, results, yearly
from wenzheng_bridge.cli import main
from wenzheng_bridge.newsroom.articles import read_articles
from wenzheng_bridge.newsroom.records import load as load_records
from wenzheng_bridge.settings import load as load_settings
from wenzheng_bridge.store import Store

ROOT = Path(__file__).resolve().parents[1]
SHANGHAI_OFFSET = "+08:00"
ATOM = "{http://www.w3.org/2005/Atom}"


def article_meta() -> dict[str, str]:
    text = next((ROOT / "content" / "articles").glob("*.md")).read_text(encoding="utf-8")
    return dict(re.findall(r"^(\w+): (.*)$", text, flags=re.M))


def article_facts() -> tuple[datetime, list[str]]:
    """The sample column article's date and the cases it names, read from its metadata."""
    meta = article_meta()
    return datetime.fromisoformat(meta["Date"] + SHANGHAI_OFFSET), [k.strip() for k in meta["Cases"].split(",")]


def record_lines(key: str) -> dict[str, list[str]]:
    """The 示例 record of a case: kind -> its line's fields (the last line of each kind)."""
    found = {}
    for line in (ROOT / "content" / "newsroom" / f"{key}.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cells = [c.strip() for c in line.split("|")]
            found[cells[1]] = cells
    return found


def resolved_case() -> tuple[str, datetime, dict]:
    """The reported case the demo records resolve, when, and its 回访 line."""
    _, keys = article_facts()
    key = next(k for k in keys if (ROOT / "content" / "newsroom" / f"{k}.txt").exists())
    lines = record_lines(key)
    return key, datetime.fromisoformat(lines["resolved"][0] + "T00:00" + SHANGHAI_OFFSET), lines["回访"]


def expected_clock(start: datetime, end: datetime) -> tuple[int, float]:
    return working_days_between(start.date(), end.date()), round((end - start).total_seconds() / 86400, 2)


@pytest.fixture(scope="module")
def view(sample_store):
    settings = load_settings(ROOT / "pelicanconf.py", {"WENZHENG_STORE": str(sample_store)})
    records = load_records(settings, articles=read_articles(settings))
    with Store.open(sample_store, readonly=True) as store:
        found = {case.key: case for case in reported_cases(store, settings, records)}
    return settings, found


def test_reported_case_resolved_after_the_article_has_its_clock(view):
    settings, found = view
    reported, keys = article_facts()
    key, resolved, revisit = resolved_case()
    assert sorted(found) == sorted(keys)  # exactly the cases the article names
    clock = found[key].clocks[CLOCK]
    assert (clock.working_days, clock.calendar_days, clock.running) == (*expected_clock(reported, resolved), False)
    listed = results(found.values())
    assert [r.case.key for r in listed] == [key]
    assert listed[0].feedback.satisfaction == revisit[6] and listed[0].feedback.quote == revisit[7]
    working, calendar = expected_clock(reported, resolved)
    assert [(y.year, y.count, y.median_days, y.median_working_days) for y in yearly(listed)] == \
        [(resolved.year, 1, calendar, working)]


def test_reported_case_still_open_runs_to_now_and_is_not_counted(view):
    settings, found = view
    reported, keys = article_facts()
    key, _, _ = resolved_case()
    now = datetime.fromisoformat(settings["WENZHENG_NOW"])
    for other in (k for k in keys if k != key):
        clock = found[other].clocks[CLOCK]
        assert clock.running and clock.working_days == working_days_between(reported.date(), now.date())
        assert found[other].as_of == now.date()


def test_results_command_prints_the_list_in_chinese(project_copy, sample_store, capsys):
    shutil.copy(sample_store, project_copy / "data" / "wenzheng.sqlite3")
    assert main(["-s", str(project_copy / "pelicanconf.py"), "results"]) == 0
    out = capsys.readouterr().out
    reported, _ = article_facts()
    key, resolved, revisit = resolved_case()
    working, calendar = expected_clock(reported, resolved)
    assert f"{resolved.year}年：见报后 1 件得到解决，中位用时 {calendar:g} 天（{working} 个工作日）" in out
    assert key in out and f"见报后 {working} 个工作日（{calendar:g} 天）得到解决" in out
    assert f"居民回访：{revisit[6]}，“{revisit[7]}”" in out and "数据截至" in out


# -- the site ----------------------------------------------------------------------
def page(site, url: str) -> BeautifulSoup:
    return BeautifulSoup(site.page(url).read_bytes(), "lxml")


def text(element) -> str:
    return re.sub(r"\s+", " ", element.get_text(" ")).strip()


@pytest.mark.slow
def test_results_page_lists_the_case_with_totals_feedback_and_feed(site):
    reported, keys = article_facts()
    key, resolved, revisit = resolved_case()
    working, calendar = expected_clock(reported, resolved)
    tree = page(site, "results/")
    items = tree.select("ol.results li.result")
    assert [li.get("data-case") for li in items] == [key]
    assert text(items[0].select(".result-clock")[0]) == f"见报后 {working} 个工作日（{calendar:g} 天）得到解决"
    assert text(items[0].select(".result-feedback")[0]) == f"居民回访：{revisit[6]}，“{revisit[7]}”"
    assert items[0].select("h2 a")[0].get("href").endswith(f"cases/{key}/")
    publication = text(items[0].select(".result-report .publication")[0])
    assert publication == "{Publication}“{Column}”".format(**article_meta())
    totals = [text(li) for li in tree.select(".results-totals li")]
    assert totals == [f"{resolved.year}年：见报后 1 件得到解决，中位用时 {calendar:g} 天（{working} 个工作日）；"
                      f"1 件有居民反馈，其中满意或基本满意 {int(revisit[6] != '不满意')} 件"]
    assert "数据截至" in text(tree.select(".as-of")[0])
    # The page's own feed, beside the site-wide ones every page names.
    feed_links = [link.get("href") for link in tree.select('link[rel="alternate"][type="application/atom+xml"]')]
    assert [h for h in feed_links if h.endswith("feeds/results.atom.xml")], feed_links
    assert any(a.get("href", "").endswith("/results/") for a in tree.select(".site-nav a"))

    feed = etree.parse(str(site.output / "feeds" / "results.atom.xml")).getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].find(f"{ATOM}link").get("href").endswith(f"cases/{key}/")
    assert entries[0].find(f"{ATOM}updated").text.startswith(resolved.date().isoformat())
    assert f"见报后 {working} 个工作日" in entries[0].find(f"{ATOM}summary").text

    case = page(site, f"cases/{key}/")
    assert f"见报后 {working} 个工作日（{calendar:g} 天）得到解决" in text(case.select(".clocks")[0])
    now = datetime.fromisoformat(BUILD_NOW)
    for other in (k for k in keys if k != key):
        shown = text(page(site, f"cases/{other}/").select(".clock-reported")[0])
        assert shown.startswith(f"见报后已 {working_days_between(reported.date(), now.date())} 个工作日")
        # A running clock says as of when (the build's now), as every running clock does.
        assert shown.endswith(f"尚未解决（截至 {now.year}年{now.month}月{now.day}日）"), shown


def test_source_rating_shows_and_a_case_resolved_before_its_report_is_not_counted(view, sample_store):
    """A rating the source carried stands in for a 回访; a resolution before the report is no 成效."""
    from wenzheng_bridge.caseview.view import CaseBuilder
    from wenzheng_bridge.records import FollowUp, NewsroomRecords
    from wenzheng_bridge.site.results import feedback_text

    settings, _ = view
    with Store.open(sample_store, readonly=True) as store:
        petition = store.petition("tipdm-2549")
    assert petition is not None
    petition.extra["satisfaction"] = "不满意"
    day = datetime.fromisoformat("2019-05-06T00:00" + SHANGHAI_OFFSET)
    later = datetime.fromisoformat("2019-05-20T00:00" + SHANGHAI_OFFSET)
    report = FollowUp("tipdm-2549", "published", day, url="/column/x/")

    def built(resolved: datetime):
        records = NewsroomRecords(followups={"tipdm-2549": [report, FollowUp("tipdm-2549", "resolved", resolved)]})
        return CaseBuilder(settings, records).build(petition)

    after = built(later)
    [found] = results([after])
    assert found.feedback.from_source and feedback_text(found) == "平台记录的满意度：不满意"
    assert (found.clock.working_days, found.clock.calendar_days) == expected_clock(day, later)
    assert [(y.count, y.satisfied, y.rated) for y in yearly([found])] == [(1, 0, 1)]
    before = built(datetime.fromisoformat("2019-05-01T00:00" + SHANGHAI_OFFSET))
    assert results([before]) == [] and before.clocks[CLOCK].working_days is None
