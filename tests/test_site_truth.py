"""The built site says only what the real sample supports: bases, 数据截至, partial periods, states.

Expected values come from the raw sheets read with openpyxl and the demo's 问政进社区 CSV read
with csv (not through the project's adapters), and from the build's fixed now (tests/browser/build.py).
The demo carries both sources: the real sample (tipdm) and the three 示例 problems of its event
(offline), whose sheet has type and reply columns.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from browser.build import NOW

pytestmark = pytest.mark.slow

SHEETS = ("fj2_sample495_labelled.xlsx", "fj3_sample30_likes.xlsx", "fj4_sample120_replies.xlsx")
OFFLINE_CSV = Path(__file__).resolve().parent.parent / "data" / "offline" / "wenzheng-events-sample.csv"


@pytest.fixture(scope="module")
def sheets(sample_dir) -> dict[str, list[dict]]:
    found = {}
    for name in SHEETS:
        rows = load_workbook(sample_dir / name, read_only=True).worksheets[0].iter_rows(values_only=True)
        header = next(rows)
        found[name] = [dict(zip(header, row)) for row in rows if row[0] is not None]
    return found


@pytest.fixture(scope="module")
def offline() -> dict[str, dict]:
    """The demo event's rows by case key (offline-<留言编号>)."""
    with OFFLINE_CSV.open(encoding="utf-8") as handle:
        return {f"offline-{row['留言编号']}": row for row in csv.DictReader(handle)}


def posted(cell) -> datetime:
    return cell if isinstance(cell, datetime) else datetime.strptime(cell.strip(), "%Y/%m/%d %H:%M:%S")


def doc(site, url: str) -> BeautifulSoup:
    return BeautifulSoup(site.page(url).read_bytes(), "lxml")


def text(element) -> str:
    return re.sub(r"\s+", " ", element.get_text(" ")).strip()


def public_keys(site) -> set[str]:
    data = json.loads((site.output / "data/cases.json").read_text(encoding="utf-8"))
    return {case["id"] for case in data["cases"]}


def case_keys(element) -> set[str]:
    return {a["href"].rstrip("/").rsplit("/", 1)[-1] for a in element.select('a[href*="cases/"]')}


def test_cases_from_sheets_without_reply_columns_claim_nothing(site, sheets, offline):
    assert all("答复意见" not in row for name in SHEETS[:2] for row in sheets[name])
    silent = {f"tipdm-{row['留言编号']}" for name in SHEETS[:2] for row in sheets[name]}
    shown = public_keys(site) & silent
    assert len(shown) > 400
    for key in sorted(shown)[:40]:
        page = doc(site, f"cases/{key}/")
        assert text(page.select(".case-status .badge")[0]) == "答复情况不明"
        body = text(page.select("article")[0])
        assert "来源数据不含答复信息" in body
        assert "逾期" not in body and "答复期限" not in body and "已等待" not in body
    # Lists say "逾期 N 个工作日" only of cases answered late (fj4) or left unanswered where the
    # source has reply columns: no real case is 逾期未复 (fj4 has a reply on every row); of the demo
    # event's problems, those without an answer are, long past any limit at the build's now.
    assert all(row["答复意见"] for row in sheets[SHEETS[2]])
    unanswered = {key for key, row in offline.items() if not row["答复意见"]}
    home = doc(site, "")
    late = [item for item in home.select(".case-item") if "逾期" in text(item)]
    assert late and all(text(item.select(".badge")[0]) != "答复情况不明" for item in late)
    assert {key for item in late if text(item.select(".badge")[0]) == "逾期未复" for key in case_keys(item)} \
        == unanswered
    assert case_keys(doc(site, "status/overdue/")) == unanswered


def test_every_figure_page_says_as_of_when_and_its_base(site, sheets, offline):
    now = datetime.fromisoformat(NOW)
    stamp = f"数据截至 {now.year}年{now.month}月{now.day}日 {now:%H:%M}（最近一次抓取 "
    tipdm = {key for key in public_keys(site) if key.startswith("tipdm-")}
    answered = {f"tipdm-{row['留言编号']}" for row in sheets[SHEETS[2]]} & tipdm
    # The event's sheet has reply columns: each of its public rows has a known reply state.
    known = len(answered) + len(set(offline) & public_keys(site))
    for url in ("", "stats/", "boards/", "departments/", "status/replied/", "archive/2019/12/",
                "column/meili-zhicheng-youyan/"):
        assert stamp in text(doc(site, url)), url
    stats_page = text(doc(site, "stats/"))
    assert f"按 {known} 件有答复记录的留言计" in stats_page
    # Readers see the source's title (pelicanconf.py), never its internal name.
    title = next(s["title"] for s in site.settings["WENZHENG_SOURCES"] if s["name"] == "tipdm")
    assert f"{title} {len(tipdm)} 件（其中 {len(answered)} 件有答复记录）" in stats_page
    home = text(doc(site, ""))
    assert f"按 {known} 件有答复记录的留言计" in home and "91.64%" not in home


def test_partial_years_and_months_are_marked_and_nothing_after_the_data(site, sheets):
    times = [posted(row["留言时间"]) for name in SHEETS for row in sheets[name]]
    first, last = min(times), max(times)
    tree = doc(site, "stats/")
    years = [text(r.select("th")[0]) for r in tree.select("#posts-per-year tbody tr")]
    assert years[0] == f"{first.year}（不完整）" and years[-1] == f"{last.year}（不完整）"
    assert all("不完整" not in y for y in years[1:-1])
    grid = {text(r.select("th")[0]): [text(td) for td in r.select("td")] for r in tree.select("#posts-per-month tbody tr")}
    assert list(grid) == [str(y) for y in range(first.year, last.year + 1)]
    assert grid[str(first.year)][first.month - 1].endswith("（不完整）")
    assert grid[str(last.year)][last.month - 1].endswith("（不完整）")
    # Months after the data's last post are not listed as zero: they are empty cells.
    assert all(cell == "" for cell in grid[str(last.year)][last.month:])
    assert all(cell == "" for cell in grid[str(first.year)][:first.month - 1])


def test_yearly_view_of_types_and_fields(site, sheets):
    tree = doc(site, "stats/")
    types = tree.select("#type-shares-per-year")[0]
    assert [text(th) for th in types.select("thead th")] == ["年份", "留言数", "建议", "咨询", "举报", "诉求"]
    for row in types.select("tbody tr"):
        shares = [float(text(td).rstrip("%")) for td in row.select("td")[1:]]
        assert sum(shares) == pytest.approx(100, abs=0.05) or int(text(row.select("td")[0])) == 0
    fields = tree.select("#field-shares-per-year")[0]
    assert len(fields.select("tbody tr")) == len(tree.select("#posts-per-year tbody tr"))
    assert (site.output / "stats/type-shares-per-year.svg").is_file()
    assert (site.output / "stats/field-shares-per-year.svg").is_file()


def test_exports_carry_the_platform_state_and_what_is_known(site):
    data = json.loads((site.output / "data/cases.json").read_text(encoding="utf-8"))
    record = next(c for c in data["cases"] if c["status"] == "答复情况不明")
    assert record["reply_known"] is False and record["late"] is None and record["deadline"] is None
    assert "platform_state" in record
    table = list(csv.DictReader(io.StringIO((site.output / "data/cases.csv").read_text(encoding="utf-8-sig"))))
    assert "platform_state" in table[0]
    assert {row["status"] for row in table} >= {"答复情况不明", "已回复"}


def test_months_after_now_are_not_listed_and_the_current_one_is_partial():
    from wenzheng_bridge.records import SHANGHAI
    from wenzheng_bridge.site.statistics import month_chart

    months = {"2019-10": [1] * 4, "2019-12": [1] * 3, "2020-01": [1] * 9, "2020-02": [1]}
    chart = month_chart(months, datetime(2019, 12, 15, tzinfo=SHANGHAI))
    assert [row[0] for row in chart.rows] == ["2019"]  # 2020 is after now: not listed
    # The first month with data and the current one are partial; November inside the data is a real 0.
    assert chart.rows[0][10:13] == ["4（不完整）", 0, "3（不完整）"]
    assert "2019-10、2019-12" in chart.note and "尚未结束" in chart.note and "<svg" in chart.svg


def test_partial_years_are_drawn_apart(site):
    svg = (site.output / "stats/posts-per-year.svg").read_text(encoding="utf-8")
    assert svg.count("（不完整）") >= 2  # the first and the last year's bars say so


def test_type_figures_say_how_many_types_were_inferred(site, sheets, offline):
    # No sheet of the real sample has a 留言类型 column: every type of its cases was inferred;
    # the demo event's sheet gives each problem's type.
    assert all("留言类型" not in row for name in SHEETS for row in sheets[name][:1])
    given = Counter(row["留言类型"] for key, row in offline.items() if key in public_keys(site))
    section = doc(site, "stats/").select("#type-shares")[0]
    assert [text(th) for th in section.select("thead th")][-1] == "其中类型为推断"
    for row in section.select("tbody tr"):
        cells = [text(td) for td in row.select("td")]
        assert int(cells[0]) - int(cells[-1]) == given[text(row.select("th")[0])]
    tipdm = {key for key in public_keys(site) if key.startswith("tipdm-")}
    assert f"共 {len(tipdm)} 件留言的类型由本系统根据标题和正文推断" in text(section)
