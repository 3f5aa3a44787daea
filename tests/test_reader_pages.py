"""What a reader meets on the real sample build: case numbers, evidence links, one date format,
the home page's order, feed autodiscovery, the open-data page, the 404 page, the column feed and
keyboard-scrollable tables (one shared full build, tests/browser/build.py)."""
from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from browser.build import NOW
from wenzheng_bridge.dates import cn_date
from wenzheng_bridge.site.exports import CSV_COLUMNS
from wenzheng_bridge.site.opendata import JSON_FIELDS, size_text
from wenzheng_bridge.site.settings import SiteSettings

pytestmark = pytest.mark.slow

ATOM = "{http://www.w3.org/2005/Atom}"
#: A date as the site must never show it to readers: ISO, or zero-padded month or day.
FOREIGN_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2}|年0\d月|月0\d日")


def doc(site, url: str) -> BeautifulSoup:
    return BeautifulSoup(site.page(url).read_text(encoding="utf-8"), "html.parser")


def shown_text(tree: BeautifulSoup) -> str:
    """What a reader reads: the body's text without scripts."""
    body = tree.body
    for hidden in body.select("script, style"):
        hidden.decompose()
    return body.get_text(" ", strip=True)


def target(site, page_url: str, href: str) -> Path:
    """The output file a link on ``page_url`` points to."""
    path = unquote(urlsplit(urljoin("/" + page_url, href)).path).lstrip("/")
    file = site.output / path
    return file / "index.html" if file.is_dir() or path.endswith("/") or not path else file


def reader_pages(site) -> list[str]:
    """Every page type a reader meets (a few of each kind), site-relative."""
    cases = sorted(p.parent.name for p in site.output.glob("cases/*/index.html"))
    boards = sorted(p.parent.name for p in site.output.glob("boards/*/index.html"))
    departments = sorted(p.parent.name for p in site.output.glob("departments/*/index.html"))
    return (["", "stats/", "about/", "data/", "archive/", "boards/", "departments/", "topics/",
             "column/meili-zhicheng-youyan/", "archives.html", "404.html"]
            + [f"cases/{key}/" for key in cases[::25]] + [f"boards/{b}/" for b in boards[:5]]
            + [f"departments/{d}/" for d in departments[:5]])


# -- case pages ------------------------------------------------------------------------
def test_case_pages_name_cases_by_number_and_board_never_by_source_key(site):
    keys = sorted(p.parent.name for p in site.output.glob("cases/*/index.html"))
    assert len(keys) > 500
    for key in keys[::10]:
        tree = doc(site, f"cases/{key}/")
        text = shown_text(tree)
        source, number = key.split("-", 1)
        assert key not in text and f"（{source}）" not in text, key
        assert f"留言编号 {number}" in tree.select_one(".crumbs").get_text(), key
    # Column articles name their cases the same way, with the board.
    article = doc(site, "column/meili-zhicheng-youyan/")
    boxes = [box.get_text(" ", strip=True) for box in article.select(".case-box-key")]
    assert boxes and all(re.match(r"留言编号 \d+ · \S+", box) for box in boxes), boxes
    assert "tipdm-" not in shown_text(article)



def test_reader_pages_show_a_source_by_its_title_never_its_internal_name(site):
    # The status line of a case without reply data and a scorecard's basis once read "来源 tipdm …".
    sources = site.settings["WENZHENG_SOURCES"]
    names = re.compile(r"\b(?:" + "|".join(re.escape(s["name"]) for s in sources) + r")\b")
    for url in reader_pages(site):
        text = shown_text(doc(site, url))
        assert not names.search(text), (url, names.search(text))
    basis = doc(site, "stats/").select_one(".basis").get_text()
    assert all(s["title"] in basis for s in sources if s["name"] == "tipdm"), basis


def test_reported_evidence_links_the_article_by_its_title(site):
    source = (site.project / "content/articles/2019-10-08-meili-zhicheng-youyan.md").read_text(encoding="utf-8")
    title = re.search(r"^Title: (.+)$", source, re.M).group(1)
    cases = re.search(r"^Cases: (.+)$", source, re.M).group(1).split(", ")
    reported = [key for key in cases if "已见报" in doc(site, f"cases/{key}/").select_one(".case-status").get_text()]
    assert reported  # a case resolved since (the demo's 示例 回访) shows its resolution instead
    for key in reported:
        tree = doc(site, f"cases/{key}/")
        evidence = tree.select_one(".case-status .evidence")
        link = evidence.select_one("a")
        assert link is not None and link.get_text() == title, key
        assert target(site, f"cases/{key}/", link["href"]) == site.page("column/meili-zhicheng-youyan/")
        assert "column/" not in evidence.get_text()  # the address is the link, not text


def test_one_date_format_across_the_site(site):
    for url in reader_pages(site):
        text = shown_text(doc(site, url))
        assert not FOREIGN_DATE.search(text), (url, FOREIGN_DATE.search(text).group())
    case = doc(site, "cases/tipdm-360100/")
    posted = case.select_one(".facts time")
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", posted.get_text()), posted


def test_running_clocks_say_as_of_when(site):
    """A clock still counting (已等待, 逾期 without a reply, 见报后 not yet resolved) carries its 截至 date; a stopped one
    (回复用时, 逾期 of a late reply) is a fixed fact and says none."""
    now = datetime.fromisoformat(NOW)
    stamp = f"截至 {now.year}年{now.month}月{now.day}日"
    late = 0
    for page in sorted(site.output.glob("cases/*/index.html")):
        tree = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        clocks = tree.select_one(".clocks").get_text(" ", strip=True)
        running = "已等待" in clocks or "尚未解决" in clocks  # waiting for a reply, or for a result after a report
        assert (stamp in clocks) == running, page
        late += "逾期" in clocks
    assert late > 0  # fj4's late replies: stopped clocks, without 截至
    assert cn_date(now.date()) == f"{now.year}年{now.month}月{now.day}日"  # the day a running clock shows


def test_about_and_column_pages_show_no_repository_paths(site):
    for url in ("about/", "column/meili-zhicheng-youyan/"):
        text = shown_text(doc(site, url))
        assert not re.search(r"\b[\w.-]+/[\w.-]+\.(md|py|xlsx|sqlite3)\b", text), url
        assert "data/tipdm2020c" not in text


# -- home --------------------------------------------------------------------------------
def test_home_says_what_the_site_is_and_lists_sections_in_reader_order(site):
    tree = doc(site, "")
    main = tree.select_one("main")
    intro = main.select_one(".site-intro")
    assert intro is not None and "网络问政" in intro.get_text() and intro.get_text().count("。") <= 1
    order = [section.get("class")[0] for section in main.select("section")]
    wanted = ["home-column", "home-following", "home-resolved", "home-overdue"]
    present = [name for name in order if name in wanted]
    assert present == [name for name in wanted if name in present]
    assert order[0] == "home-column" and "home-following" in present  # the column's four cases
    for section in main.select("section:not(.home-figures)"):
        items = section.select("li")
        assert items and not section.select(".empty"), section.get("class")
    following = main.select(".home-following .badge")
    assert following and {b.get_text() for b in following} <= {"跟进中", "已见报"}


def test_home_overdue_lists_only_recent_cases(site):
    days = SiteSettings.of(site.settings).home_recent_days
    since = datetime.fromisoformat(NOW) - timedelta(days=days)
    for item in doc(site, "").select(".home-overdue time"):
        assert datetime.fromisoformat(item["datetime"]) >= since


# -- feeds and open data ------------------------------------------------------------------
def test_every_page_announces_the_site_feed_and_its_own(site):
    for url in reader_pages(site):
        tree = doc(site, url)
        feeds = [link["href"] for link in tree.select('link[rel=alternate][type="application/atom+xml"]')]
        files = [target(site, url, href) for href in feeds]
        assert site.output / "feeds/cases.atom.xml" in files, url
        assert all(file.exists() for file in files), (url, feeds)
        if url.startswith(("cases/", "boards/", "departments/")) and url.count("/") == 2:
            own = [f for f in files if f != site.output / "feeds/cases.atom.xml" and "column" not in f.name]
            assert own, url
            subscribe = tree.select_one(".subscribe a")
            assert target(site, url, subscribe["href"]) == own[0], url
            assert ET.parse(own[0]).getroot().tag == f"{ATOM}feed"
        footer = tree.select_one(".site-footer a[href$='data/']")
        assert footer is not None and target(site, url, footer["href"]) == site.page("data/"), url


def test_open_data_page_describes_each_export_with_its_real_size_and_licence(site):
    tree = doc(site, "data/")
    sections = tree.select("section.export")
    listed = {}
    for section in sections:
        link = section.select_one("h2 a")
        file = target(site, "data/", link["href"])
        assert file.exists(), link["href"]
        size = next(dd.get_text() for dt, dd in zip(section.select("dt"), section.select("dd")) if dt.get_text() == "大小")
        assert size == size_text(file.stat().st_size)
        listed[file.relative_to(site.output).as_posix()] = [code.get_text() for code in section.select("tbody code")]
    assert set(listed) == {"data/cases.csv", "data/cases.json", "data/open311/requests.json",
                           "data/open311/services.json"}
    with open(site.output / "data/cases.csv", encoding="utf-8-sig", newline="") as file:
        assert listed["data/cases.csv"] == next(csv.reader(file)) == list(CSV_COLUMNS)
    record = json.loads((site.output / "data/cases.json").read_text(encoding="utf-8"))["cases"][0]
    assert listed["data/cases.json"] == list(record) == list(JSON_FIELDS)
    requests = json.loads((site.output / "data/open311/requests.json").read_text(encoding="utf-8"))
    assert set(listed["data/open311/requests.json"]) <= set(requests[0])
    assert SiteSettings.of(site.settings).open_data_licence in tree.select_one(".licence").get_text()


def test_column_feed_has_absolute_links_and_tag_ids_in_the_dev_build(site):
    assert not site.settings.get("SITEURL")  # the development build: relative URLs
    root = ET.parse(site.output / "feeds/column.atom.xml").getroot()
    entries = root.findall(f"{ATOM}entry")
    assert entries
    links = [link.get("href") for link in root.iter(f"{ATOM}link")]
    assert all(urlsplit(href).scheme == "https" for href in links), links
    host = urlsplit(site.settings["FEED_DOMAIN"]).netloc
    for entry in entries:
        assert entry.findtext(f"{ATOM}id").startswith(f"tag:{host},"), entry.findtext(f"{ATOM}id")
    assert urlsplit(root.findtext(f"{ATOM}id")).netloc == host


# -- 404 and statistics ----------------------------------------------------------------------
def test_chinese_404_page_with_search_and_navigation(site):
    tree = doc(site, "404.html")
    assert tree.html["lang"] == "zh-CN" and "找不到" in tree.select_one("h1").get_text()
    links = {a.get_text(): a["href"] for a in tree.select("main a")}
    assert "搜索案件" in links and "回到首页" in links
    assert tree.select_one("nav.site-nav")
    # Served for any missing path, so its links start at the root, never relative.
    for href in [a["href"] for a in tree.select("a")] + [link["href"] for link in tree.select("link")]:
        if not href.startswith("#"):
            assert href.startswith("/"), href
            assert target(site, "404.html", href).exists(), href


def test_statistics_tables_scroll_with_keyboard_focus(site):
    tree = doc(site, "stats/")
    boxes = tree.select(".table-wrap")
    assert len(boxes) >= 6
    for box in boxes:
        assert box.get("tabindex") == "0" and box.get("role") == "region" and box.get("aria-label"), box.attrs


# -- evidence of cases the sample build has none of (real petitions, real case builder) ------
def test_evidence_from_a_followup_link_and_dates_in_the_site_format(sample_store):
    from wenzheng_bridge.caseview.view import CaseBuilder
    from wenzheng_bridge.records import SHANGHAI, ArticleRef, FollowUp, NewsroomRecords
    from wenzheng_bridge.site.readable import evidence
    from wenzheng_bridge.store import Store

    key = "tipdm-2554"  # a real 咨询 from fj4, answered 2019-05-09 09:49
    with Store.open(sample_store, readonly=True) as store:
        petition = store.petition(key)
    now = {"WENZHENG_NOW": "2020-02-01T12:00:00+08:00"}

    def case_with(followups=(), articles=()):
        records = NewsroomRecords(followups={key: list(followups)}, articles={key: list(articles)})
        return CaseBuilder(now, records).build(petition)

    def followup(url: str) -> FollowUp:
        return FollowUp(case=key, kind="published", date=datetime(2019, 5, 20, tzinfo=SHANGHAI), who="张晓",
                        note="", url=url, origin=f"content/newsroom/{key}.txt:3")

    answered = evidence(case_with())
    assert answered.text.startswith("2019年5月9日 09:49") and not answered.href
    outside = evidence(case_with([followup("https://news.example/7")]))
    assert outside.href == "https://news.example/7" and outside.text == "2019年5月20日 已见报" and outside.title == "本报报道"
    hostile = evidence(case_with([followup("javascript:alert(1)")]))
    assert "javascript" not in hostile.href
    article = ArticleRef("潇楚南路何时修好", "column/xiaochu-road/", datetime(2019, 6, 1, tzinfo=SHANGHAI))
    printed = evidence(case_with(articles=[article]))
    assert (printed.text, printed.href, printed.title) == ("见报：", "column/xiaochu-road/", "潇楚南路何时修好")
