"""Standing checks of the reader site (real sample build, real HTTP server, headless Chromium).

- axe-core (pinned in tests/browser/package-lock.json, installed by `make browser`) injected into
  every page type readers meet, at 1366 px and on a 375 px phone: no violations.
- A crawl over HTTP from the home page: every page reachable by links, and every link, feed, image
  and download on them, answers 200.
The search page belongs to the search engine's own checks (tests/test_search.py) and is left out.
"""
from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from lxml import html as lxml_html

from browser import axe

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def page_types(site) -> dict[str, str]:
    """One page of each type a reader meets (the search page excepted), by type."""
    def first(pattern: str) -> str:
        return sorted(site.output.glob(pattern))[0].parent.relative_to(site.output).as_posix() + "/"

    return {
        "home": "", "case": "cases/tipdm-360100/", "case with replies": "cases/tipdm-2549/",
        "board": first("boards/*/index.html"), "department": first("departments/*/index.html"),
        "scorecard": "departments/", "statistics": "stats/", "about": "about/",
        "column article": "column/meili-zhicheng-youyan/", "data": "data/", "404": "404.html",
    }


@pytest.mark.parametrize("width", [1366, 375])
def test_axe_finds_no_violations_on_any_page_type(site, base, browser, width):
    found = {}
    for kind, url in page_types(site).items():
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(base + url, wait_until="load")
        if problems := axe.violations(page):
            found[kind] = problems
        page.close()
    assert not found, found


def _links(document: bytes, url: str) -> list[str]:
    tree = lxml_html.fromstring(document)
    targets = tree.xpath("//a/@href | //link/@href | //img/@src | //script/@src")
    return [urljoin(url, t).split("#")[0] for t in targets if not t.startswith(("#", "data:", "mailto:"))]


def test_crawl_from_the_home_page_finds_no_broken_link(site, base):
    seen, queue, broken, pages = {base}, deque([base]), [], 0
    while queue:
        url = queue.popleft()
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                kind, body = response.headers.get_content_type(), response.read()
        except urllib.error.HTTPError as error:
            broken.append((url, error.code))
            continue
        if kind != "text/html" or "/search/" in url:
            continue
        pages += 1
        for link in _links(body, url):
            if urlsplit(link).netloc == urlsplit(base).netloc and link not in seen:
                seen.add(link)
                queue.append(link)
    assert not broken, broken[:20]
    # Every case page is reachable by links from the home page (indexes, archive, pages).
    cases = len(list(site.output.glob("cases/*/index.html")))
    reached = sum(1 for url in seen if re.search(r"/cases/[^/]+/$", url))
    assert reached == cases and pages > cases, (pages, reached, cases)


def test_chart_text_is_at_least_11_px_on_a_phone(site, base, browser):
    """Each chart's smallest text, at the width a 375 px phone shows the chart, is 11 px or more."""
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(base + "stats/", wait_until="load")
    shown = page.evaluate("() => [...document.querySelectorAll('.chart-figure img')]"
                          ".map(img => [img.getAttribute('src'), img.getBoundingClientRect().width])")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    page.close()
    assert len(shown) >= 6 and overflow <= 0  # charts scroll in their own box, not the page
    for src, width in shown:
        svg = (site.output / "stats" / src.rsplit("/", 1)[-1]).read_text(encoding="utf-8")
        view_width = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) ', svg).group(1))
        smallest = min(float(size) for size in re.findall(r"font-size: ([\d.]+)px", svg))
        assert smallest * width / view_width >= 11, (src, smallest, width, view_width)


def test_a_year_below_the_minimum_sample_is_marked_and_does_not_set_the_scale(site):
    from bs4 import BeautifulSoup

    tree = BeautifulSoup(site.page("stats/").read_text(encoding="utf-8"), "html.parser")
    rows = {r.select_one("th").get_text(): [td.get_text() for td in r.select("td")]
            for r in tree.select("#reply-time-per-year tbody tr")}
    minimum = int(re.search(r"少于 (\d+) 件", tree.select_one("#reply-time-per-year .note").get_text()).group(1))
    thin = {year: cells for year, cells in rows.items() if "样本不足" in year}
    solid = {year: cells for year, cells in rows.items() if "样本不足" not in year and cells[1] != "—"}
    assert thin and solid
    assert all(0 < int(cells[0]) < minimum for cells in thin.values())
    assert all(int(cells[0]) >= minimum for cells in solid.values())
    # The y axis ends near the largest well-founded median, far below the thin years' largest.
    svg = (site.output / "stats/reply-time-per-year.svg").read_text(encoding="utf-8")
    # The y axis's tick labels: right-aligned numbers.
    ticks = [float(t) for t in re.findall(r"text-anchor: end\"[^>]*>([\d.]+)</text>", svg)]
    top_solid = max(float(c) for cells in solid.values() for c in cells[1:3])
    top_thin = max(float(c) for cells in thin.values() for c in cells[1:3])
    assert top_thin > 2 * top_solid and ticks and max(ticks) < top_thin


def test_statistics_tables_fit_their_box_on_a_desktop(site, base, browser):
    """At 1366 px every statistics table fits its box (a phone scrolls it with keyboard focus)."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(base + "stats/", wait_until="load")
    clipped = page.evaluate("() => [...document.querySelectorAll('.table-wrap')]"
                            ".filter(box => box.scrollWidth > box.clientWidth + 1)"
                            ".map(box => box.closest('section').id + ': ' + box.scrollWidth + '/' + box.clientWidth)")
    page.close()
    assert not clipped, clipped


def test_a_department_below_the_minimum_sample_is_shown_marked_and_not_ranked(site, view):
    """Each department's public cases with a finished reply clock, counted here."""
    from bs4 import BeautifulSoup

    tree = BeautifulSoup(site.page("stats/").read_text(encoding="utf-8"), "html.parser")
    minimum = site.settings["WENZHENG_MIN_RANK_SAMPLE"]
    timed: dict[str, int] = {}
    for case in view["public"]:
        clock = case.clocks.get("reply")
        if case.department and clock and not clock.running and clock.calendar_days is not None:
            timed[case.department] = timed.get(case.department, 0) + 1
    expected_thin = {name for name, n in timed.items() if n < minimum}
    rows = {r.select_one("th").get_text(): [td.get_text() for td in r.select("td")]
            for r in tree.select("#thin-departments tbody tr")}
    assert expected_thin and {name.removesuffix("（样本不足）") for name in rows} == expected_thin
    assert all(name.endswith("（样本不足）") and int(cells[1]) == timed[name.removesuffix("（样本不足）")]
               for name, cells in rows.items())
    ranked = {r.select_one("th").get_text() for r in tree.select("#slowest-departments tbody tr, "
                                                                 "#fastest-departments tbody tr")}
    assert not ranked & expected_thin
