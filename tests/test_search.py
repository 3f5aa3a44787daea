"""Chinese search with Pagefind on the built demo site: headless Chromium, a real server on 127.0.0.1.

The browser tests share the session's one full build of the bundled real data
(tests/browser); the index-maintenance tests work on a copy of its output.
"""
from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest

from browser import chromium, serve, site_build
from test_exports import TAKEN_DOWN, sample_build
from wenzheng_bridge.site import search

# Place names from real case titles, each in exactly one public case's title;
# whole names the segmenter keeps as one word (it splits 捞刀河镇, for one).
PLACES = {"暮云街道": "tipdm-10073", "桐梓坡": "tipdm-445"}
# The hot topic the competition names in fj3 (留言编号 360100-360109): posts in two boards.
TOPIC = "魅力之城"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return site_build(tmp_path_factory)


@pytest.fixture(scope="module")
def public_cases(site) -> dict[str, dict]:
    document = json.loads((site.output / "data" / "cases.json").read_text("utf-8"))
    return {case["id"]: case for case in document["cases"]}


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def search_page(site, browser):
    """Open the search page for a query; yields (page, console errors)."""
    with serve(site.output) as base:
        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: errors.append(f"{r.url} {r.failure}"))

        def open_query(query: str):
            page.goto(f"{base}search/?q={query}")
            page.wait_for_selector(".pagefind-ui__result-link")
            return page

        yield open_query, errors
        page.close()


def result_keys(page) -> list[str]:
    links = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.getAttribute('href'))")
    return [re.fullmatch(r"/cases/([^/]+)/", link).group(1) for link in links]


def indexed_urls(bundle: Path) -> set[str]:
    """URLs of every page in a Pagefind bundle, read from its fragments."""
    urls = set()
    for fragment in (bundle / "fragment").iterdir():
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        urls.add(json.loads(data)["url"])
    return urls


@pytest.mark.browser
@pytest.mark.parametrize("place", sorted(PLACES))
def test_a_place_name_from_a_case_title_finds_its_case(search_page, public_cases, place):
    open_query, errors = search_page
    key = PLACES[place]
    assert place in public_cases[key]["title"]  # the term really comes from that case's title
    page = open_query(place)
    assert key in result_keys(page)
    title = page.inner_text(f".pagefind-ui__result-link[href='/cases/{key}/']")
    assert title == public_cases[key]["title"]  # the case's own title, not the site banner
    assert errors == []


@pytest.mark.browser
def test_board_filter_narrows_results(search_page, public_cases):
    open_query, errors = search_page
    page = open_query(TOPIC)
    everything = result_keys(page)
    boards = {public_cases[k]["board"] for k in everything}
    assert len(boards) >= 2, boards
    board = sorted(boards)[-1]
    filters = page.locator(".pagefind-ui__filter-name")
    filters.filter(has_text="板块").click()  # the filter's Chinese name, set by the search page
    page.locator(f".pagefind-ui__filter-checkbox[name='board'][value='{board}']").check()
    page.wait_for_function(  # the list empties while the filtered search runs, then refills
        "n => { const k = document.querySelectorAll('.pagefind-ui__result-link').length; return k > 0 && k < n; }",
        arg=len(everything))
    narrowed = result_keys(page)
    assert narrowed and set(narrowed) < set(everything)
    assert {public_cases[k]["board"] for k in narrowed} == {board}
    assert sorted(narrowed) == sorted(k for k in everything if public_cases[k]["board"] == board)
    assert errors == []


def test_index_holds_exactly_the_public_case_pages(site, public_cases):
    bundle = site.output / search.BUNDLE
    assert indexed_urls(bundle) == {f"/cases/{key}/" for key in public_cases}
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["zh-cn"]
    filters = {path.name for path in (bundle / "filter").iterdir()}
    assert filters  # board, status and year filters were found on the case pages
    assert (site.output / "search" / "index.html").exists()
    assert "pagefind-ui.js" in (site.output / "search" / "index.html").read_text("utf-8")


def test_reindexing_follows_the_public_content(site, sample_store, tmp_path):
    output = tmp_path / "output"
    shutil.copytree(site.output, output)
    stale = output / "cases" / "tipdm-stale" / "index.html"  # a page an earlier build left behind
    stale.parent.mkdir()
    shutil.copy(output / "cases" / TAKEN_DOWN / "index.html", stale)
    build = sample_build(sample_store, output)  # the same cases, with TAKEN_DOWN taken down
    public = {f"/cases/{case.key}/" for case in build.cases}
    # The demo's cases plus the extra case of sample_build: give that one its page.
    extra = next(c for c in build.cases if not (output / "cases" / c.key / "index.html").exists())
    (output / "cases" / extra.key).mkdir()
    shutil.copy(output / "cases" / "tipdm-445" / "index.html", output / "cases" / extra.key / "index.html")

    first = search.build_index(build)
    assert first["action"] == "indexed" and first["pages"] == len(public)
    assert indexed_urls(output / search.BUNDLE) == public  # no taken-down, stale or listing page
    assert f"/cases/{TAKEN_DOWN}/" not in public

    assert search.build_index(build)["action"] == "unchanged"
    page = output / "cases" / "tipdm-445" / "index.html"
    page.write_text(page.read_text("utf-8").replace("</article>", "<p>补充：已恢复供水</p></article>"), "utf-8")
    assert search.build_index(build)["action"] == "indexed"
    assert not list(output.glob(".pagefind*"))  # temporary folders are gone

    build.cases = []  # everything taken down: no index keeps serving the removed cases
    assert search.build_index(build)["action"] == "empty"
    assert not (output / search.BUNDLE).exists()

    build.cases = [c for c in build.all_cases if c.public]
    assert search.build_index(build)["action"] == "indexed"
    build.settings["WENZHENG_SEARCH"] = False  # switched off: no stale index is left either
    assert search.build_index(build) == {"action": "disabled"}
    assert not (output / search.BUNDLE).exists()
