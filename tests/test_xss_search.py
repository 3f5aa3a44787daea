"""The search page with hostile board names and titles, in headless Chromium.

A search page that put a filter value, title or excerpt into the page as HTML
would let a board named ``<img src=x onerror=…>``, or the same hidden under up
to ten layers of ``&amp;``, run on /search/ for every visitor. Here a CSV source gives 11
such boards (nesting depth 0 to 10) and titles a resident might type; the site
is built; the search page is loaded with a query, every board filter is ticked
and unticked, "more results" is pressed; with alert/prompt/confirm/print hooked
and other hosts blocked, nothing may run, and each label must read as the
board's literal text (``<`` ``>`` ``&`` in their fullwidth forms).
"""
from __future__ import annotations

import json

import pytest
from lxml import html as lxml_html

from browser import chromium, serve
from browser.hostile import guarded_page, nested
from test_trust_build import HEADER, built, make_project

pytestmark = [pytest.mark.slow]

PAYLOAD = "<img src=x onerror=alert('board')>"
BOARDS = [nested(PAYLOAD, depth) + f"区{depth}" for depth in range(11)] + ["甲区, status:已解决"]
TITLES = ["<b>“原则上”</b>同意", "a<b and c>d", "<script>alert('title')</script>", "&lt;i&gt;斜体&lt;/i&gt;"]


def rows() -> list[list[str]]:
    out = []
    for i in range(36):  # more than one page of results (the search page shows 10 at a time)
        board = BOARDS[i % len(BOARDS)]
        title = f"路灯{i:02d} {TITLES[i % len(TITLES)]}"
        out.append([str(100 + i), f"网友{i}", title, f"2019/3/{1 + i % 28} 10:00:00",
                    f"正文：路灯不亮 {TITLES[(i + 1) % len(TITLES)]}", "已转交处理", "2019/4/2 09:00:00", "诉求", "",
                    board])
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("xss-search") / "project", rows(), HEADER + ["留言板块"])
    return built(project, project / "output")


def shown(text: str) -> str:
    """How a filter label must read: the literal text with < > & in fullwidth."""
    return text.replace("&", "＆").replace("<", "＜").replace(">", "＞")


def test_case_pages_show_the_exact_board_and_title(site):
    for i, row in enumerate(rows()):
        tree = lxml_html.fromstring((site / "cases" / f"xss-{100 + i}" / "index.html").read_bytes())
        assert tree.xpath("string(//h1)") == row[2]
        board_link = tree.xpath("//div[dt='板块']/dd/a")[0]
        assert board_link.text_content() == row[9]
    cases = {c["title"] for c in json.loads((site / "data" / "cases.json").read_text("utf-8"))["cases"]}
    assert {row[2] for row in rows()} <= cases


def test_search_page_with_hostile_filters_runs_nothing_and_shows_the_literal_text(site):
    with serve(site) as base, chromium() as browser, guarded_page(browser) as (page, guard):
        url = base + "search/?q=路灯"
        page.goto(url, wait_until="load")
        page.wait_for_selector(".search-result", timeout=20000)
        page.wait_for_selector(".search-filter-option", state="attached", timeout=20000)
        page.wait_for_timeout(300)  # onerror handlers run after the failed load
        guard.check(page, url)
        assert guard.fired == [], guard.fired

        # Every board appears as a filter, read as its literal text.
        labels = page.eval_on_selector_all(
            ".search-filter-option", "els => els.map(e => e.textContent.replace(/（\\d+）$/, '').trim())")
        assert {shown(board) for board in BOARDS} <= set(labels), labels
        assert page.locator("#search img, #search script, #search svg, #search [onerror]").count() == 0
        # Titles and excerpts read as typed (text nodes, not HTML).
        titles = page.eval_on_selector_all(".search-result-link", "els => els.map(e => e.textContent)")
        assert titles and set(titles) <= {row[2] for row in rows()}, titles

        # More results, then each board filter on and off.
        before = page.locator(".search-result").count()
        page.click(".search-more")
        page.wait_for_function(f"() => document.querySelectorAll('.search-result').length > {before}")
        guard.check(page, url + " (more results)")
        details = page.locator("details.search-filters")
        if not details.get_attribute("open"):
            details.locator("summary").click()
        values = page.eval_on_selector_all("input.search-filter-checkbox[name='board']",
                                           "els => els.map(e => e.value)")
        assert sorted(values) == sorted(shown(board) for board in BOARDS)
        toggle = """value => [...document.querySelectorAll("input.search-filter-checkbox[name='board']")]
                              .find(e => e.value === value).click()"""
        for value in values:
            page.evaluate(toggle, value)
            page.wait_for_function("() => /^找到/.test(document.querySelector('.search-message').textContent)"
                                   " && document.querySelectorAll('.search-result').length <= 5")
            guard.check(page, f"{url} (board filter {value})")
            page.evaluate(toggle, value)
            page.wait_for_function("() => document.querySelectorAll('.search-result').length >= 10")
        guard.check(page, url + " (after filters)")
        assert page.locator("#search img, #search script, #search svg, #search [onerror]").count() == 0
    assert guard.fired == [] and guard.blocked == [], (guard.fired, guard.blocked)


def test_a_long_hostile_name_makes_a_short_slug():
    """Board slugs are file names: 600 characters of payload must not make one too long (255 bytes)."""
    from wenzheng_bridge.site.slugs import derived_slug

    long_name = nested("<body onbeforeunload=javascript:alert(8765)>", 9) * 3 + "板"
    slug = derived_slug(long_name)
    assert len(slug) <= 47 and slug.endswith("-" + __import__("hashlib").sha1(long_name.encode()).hexdigest()[:6])
    assert derived_slug(long_name + "x") != slug and derived_slug("A1区") == "a1-bac2f9"


@pytest.mark.parametrize("label", ["a$\\foo$b", "${alert(1)}${x}", "<script>alert(1)</script>&amp;", "x$\\frac{$"])
def test_chart_labels_are_text(label):
    """Board and field names label the statistics charts: TeX-looking ones neither stop the build nor change."""
    from lxml import etree

    from wenzheng_bridge.site.charts import bar_chart

    svg = etree.fromstring(bar_chart([label, "A3区"], [3, 2], horizontal=True).encode("utf-8"))
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert label in texts, texts
    assert not list(svg.iter("{http://www.w3.org/2000/svg}script"))
