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


# The first page of results is complete: as many links as the UI's message counts (page size 10).
SETTLED = """() => {
  const message = document.querySelector(".pagefind-ui__message");
  const count = message && message.textContent.match(/\\d+/);
  return count && document.querySelectorAll(".pagefind-ui__result-link").length === Math.min(+count[0], 10);
}"""


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
            page.wait_for_function(SETTLED)  # results are drawn one by one as their fragments load
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


def copied_site(site, sample_store, output: Path):
    """A copy of the built site with a Build over it (the sample's cases, TAKEN_DOWN taken down)."""
    shutil.copytree(site.output, output)
    build = sample_build(sample_store, output)
    # sample_build adds a case the demo lacks (one carrying personal data): give it a page.
    for case in build.cases:
        page = output / "cases" / case.key / "index.html"
        if not page.exists():
            page.parent.mkdir()
            shutil.copy(output / "cases" / "tipdm-445" / "index.html", page)
    return build


def test_reindexing_follows_the_public_content(site, sample_store, tmp_path):
    output = tmp_path / "output"
    build = copied_site(site, sample_store, output)
    stale = output / "cases" / "tipdm-stale" / "index.html"  # a page an earlier build left behind
    stale.parent.mkdir()
    shutil.copy(output / "cases" / TAKEN_DOWN / "index.html", stale)
    public = {f"/cases/{case.key}/" for case in build.cases}

    first = search.build_index(build)
    assert first["action"] == "indexed" and first["pages"] == len(public)
    assert indexed_urls(output / search.BUNDLE) == public  # no taken-down, stale or listing page
    assert f"/cases/{TAKEN_DOWN}/" not in public

    assert search.build_index(build)["action"] == "unchanged"
    page = output / "cases" / "tipdm-445" / "index.html"
    page.write_text(page.read_text("utf-8").replace("</article>", "<p>补充：已恢复供水</p></article>"), "utf-8")
    assert search.build_index(build)["action"] == "indexed"
    assert not list(output.glob(".pagefind*"))  # temporary folders are gone

    build.settings["WENZHENG_SEARCH"] = False  # switched off: no index that may be stale is left
    assert search.build_index(build) == {"action": "disabled"}
    assert not (output / search.BUNDLE).exists()

    build.settings["WENZHENG_SEARCH"] = True
    shutil.copytree(site.output / search.BUNDLE, output / search.BUNDLE)  # an index from before
    build.cases = []  # everything taken down: no index keeps serving the removed cases
    assert search.build_index(build)["action"] == "empty"
    assert not (output / search.BUNDLE).exists()


def test_keys_a_glob_cannot_name_are_indexed_from_a_staged_copy(site, tmp_path):
    output = tmp_path / "output"
    odd = "forum-7,8{1}"  # a source id with glob syntax in it
    pages = [search._page("tipdm-445"), search._page(odd)]
    for page, source in zip(pages, ["tipdm-445", PLACES["暮云街道"]]):
        (output / page.path).parent.mkdir(parents=True)
        shutil.copy(site.output / "cases" / source / "index.html", output / page.path)
    stale = output / "cases" / "tipdm-stale" / "index.html"  # not one of the pages: not indexed
    stale.parent.mkdir()
    shutil.copy(site.output / "cases" / TAKEN_DOWN / "index.html", stale)

    done = search.index_site(output, pages)
    assert done["runs"][search.BUNDLE]["indexed"] == 2
    assert indexed_urls(output / search.BUNDLE) == {"/cases/tipdm-445/", f"/cases/{odd}/"}
    assert not list(output.glob(".pagefind*"))  # the staged copy is gone


@pytest.mark.browser
def test_a_large_site_is_indexed_in_shards_merged_in_the_browser(site, sample_store, tmp_path, browser,
                                                                 monkeypatch):
    from jinja2 import Environment, FileSystemLoader

    from wenzheng_bridge.site.render import Renderer

    output = tmp_path / "output"
    build = copied_site(site, sample_store, output)
    monkeypatch.setattr(search, "SHARD_PAGES", 200)  # the sample's 500-odd public pages count as large
    public = {f"/cases/{case.key}/" for case in build.cases}
    count = -(-len(public) // 200)
    assert count >= 3

    first = search.build_index(build)
    folders = {f"pagefind/{n:02d}-of-{count:02d}" for n in range(1, count + 1)}
    assert set(first["bundles"]) == folders and set(first["bundles"].values()) == {"indexed"}
    assert not (output / "pagefind" / "pagefind-entry.json").exists()  # the single bundle is gone
    shards = [indexed_urls(output / folder) for folder in sorted(folders)]
    assert set().union(*shards) == public and sum(map(len, shards)) == len(public)  # each case once
    assert max(map(len, shards)) <= 300 and all(run["peak_mb"] > 0 for run in first["runs"].values())

    # The two places are in different shards: the browser must merge them to find both.
    home = {key: search.shard_of(key, count) for key in PLACES.values()}
    assert len(set(home.values())) == 2, home
    page = output / "cases" / PLACES["暮云街道"] / "index.html"
    page.write_text(page.read_text("utf-8").replace("</article>", "<p>补充说明</p></article>"), "utf-8")
    again = search.build_index(build)
    changed = {folder for folder, action in again["bundles"].items() if action == "indexed"}
    assert changed == {f"pagefind/{home[PLACES['暮云街道']] + 1:02d}-of-{count:02d}"}

    env = Environment(loader=FileSystemLoader(str(site.project / "theme" / "templates")), autoescape=True)
    build.renderer = Renderer(env, {"SITENAME": "零距离问政"}, {**build.settings, "RELATIVE_URLS": True})
    search.write_search_page(build)
    with serve(output) as base:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: errors.append(f"{r.url} {r.failure}"))
        for place, key in PLACES.items():
            page.goto(f"{base}search/?q={place}")
            page.wait_for_selector(f".pagefind-ui__result-link[href='/cases/{key}/']")
        page.goto(f"{base}search/?q={TOPIC}")  # a topic over two boards: results from several shards
        page.wait_for_selector(".pagefind-ui__result-link")  # shown once every shard has answered
        page.wait_for_function(SETTLED)
        keys = set(result_keys(page))
        page.close()
    assert len({search.shard_of(key, count) for key in keys}) >= 2, keys
    assert errors == []
