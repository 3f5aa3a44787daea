"""Chinese search on the built sample site: headless Chromium, a real server on 127.0.0.1.

The browser tests share the session's one full build of the bundled real data
(tests/browser); the index-maintenance tests work on a copy of its output.
Recall is checked against an exact substring scan of the same public cases as
the open data export states them (data/cases.json), not against the search's
own text files.
"""
from __future__ import annotations

import json
import re
import shutil
import zlib
from urllib.parse import unquote
from pathlib import Path

import pytest

from browser import serve
from test_exports import TAKEN_DOWN, sample_build
from wenzheng_bridge.site import search, search_index, search_source

QUERIES = [line.strip() for line in (Path(__file__).parent / "data" / "search_queries.txt").read_text("utf-8")
           .splitlines() if line.strip() and not line.startswith("#")]
# Place names from real case titles, each in exactly one public case's title.
PLACES = {"暮云街道": "tipdm-10073", "桐梓坡": "tipdm-445"}
# The hot topic the competition names in fj3 (留言编号 360100-360109): posts in two boards.
TOPIC = "魅力之城"

# In the page: every query through the search page's own module (the index loaded once),
# answering each query's results in order with their tier, the query's index keys and the
# CRC-32 the page computes for its bucket.
BATCH = """async (queries) => {
  const box = document.getElementById("search");
  const root = new URL(box.dataset.root, document.baseURI);
  const m = await import(new URL("theme/js/search.js", root).href);
  const index = await m.openIndex(root, box.dataset.index);
  const out = {};
  for (const query of queries) {
    const search = await new m.Search(index, root, query).start();
    const found = await search.all();
    out[query] = {keys: m.queryKeys(query), crc: m.crc32(query), found: found.map(f => f.text.key),
                  tiers: found.map(f => f.tier)};
  }
  return out;
}"""


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().lower()


def holding(cases: dict[str, dict], query: str) -> set[str]:
    """The public cases whose title, petition, reply or department hold every word of the query."""
    words = normalise(query).split(" ")
    found = set()
    for key, case in cases.items():
        text = "\n".join(normalise(t) for t in [case["title"], case["body"], *(r["text"] for r in case["replies"]),
                                                 case["department"]])
        if all(word in text for word in words):
            found.add(key)
    return found


@pytest.fixture(scope="module")
def public_cases(site) -> dict[str, dict]:
    document = json.loads((site.output / "data" / "cases.json").read_text("utf-8"))
    return {case["id"]: case for case in document["cases"]}


def open_page(browser, base: str, query: str = "", width: int = 1366):
    page = browser.new_page(viewport={"width": width, "height": 800})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"{r.url} {r.failure}"))
    page.goto(f"{base}search/" + (f"?q={query}" if query else ""))
    if query:
        page.wait_for_function("() => /^(找到|没有找到)/.test(document.querySelector('.search-message').textContent)")
    return page, errors


def result_keys(page) -> list[str]:
    links = page.eval_on_selector_all(".search-result-link", "els => els.map(e => e.getAttribute('href'))")
    return [re.fullmatch(r"/cases/([^/]+)/", link).group(1) for link in links]


def check_recall(answers: dict, cases: dict[str, dict]) -> None:
    """Each query found exactly the cases holding it, ranked by tier, with Python's tokens."""
    for query in QUERIES:
        answer, expected = answers[query], holding(cases, query)
        assert expected, query  # drawn from the sample: some case holds it
        assert set(answer["found"]) == expected, (query, expected ^ set(answer["found"]))
        assert len(answer["found"]) == len(expected), query  # each case once
        assert answer["tiers"] == sorted(answer["tiers"]), query
        whole = normalise(query)
        in_title = [key for key in answer["found"] if whole in normalise(cases[key]["title"])]
        assert answer["found"][:len(in_title)] == in_title, query  # titles holding the query come first
        assert answer["keys"] == search_source.query_keys(query), query  # the same pairs as the index's
        assert answer["crc"] == zlib.crc32(query.encode("utf-8")), query  # so the same buckets


@pytest.mark.browser
def test_every_query_finds_exactly_the_cases_holding_it(site, public_cases, browser):
    assert len(QUERIES) >= 100
    with serve(site.output) as base:
        page, errors = open_page(browser, base)
        answers = page.evaluate(BATCH, QUERIES)
        page.close()
    check_recall(answers, public_cases)
    # The misses: each word now finds every case holding it.
    assert len(answers["公积金"]["found"]) == len(holding(public_cases, "公积金")) >= 9
    assert errors == []


@pytest.mark.browser
@pytest.mark.parametrize("place", sorted(PLACES))
def test_a_place_name_finds_its_case_first_with_the_sentence_marked(site, browser, public_cases, place):
    key = PLACES[place]
    assert place in public_cases[key]["title"]  # the term really comes from that case's title
    with serve(site.output) as base:
        page, errors = open_page(browser, base, place)
        keys = result_keys(page)
        assert keys[0] == key and set(keys) == holding(public_cases, place)
        first = page.locator(".search-result").first
        assert first.locator(".search-result-link").inner_text() == public_cases[key]["title"]
        assert first.locator(".search-result-link mark").first.inner_text() == place
        meta = first.locator(".search-result-meta").inner_text()
        assert public_cases[key]["board"] in meta and public_cases[key]["status"] in meta
        excerpt = first.locator(".search-result-excerpt").inner_text().strip("…")
        assert excerpt in public_cases[key]["body"]  # the petition's words, not page boilerplate
        assert place in excerpt and first.locator(".search-result-excerpt mark").first.inner_text() == place
        page.close()
    assert errors == []


@pytest.mark.browser
def test_board_filter_narrows_results(site, browser, public_cases):
    with serve(site.output) as base:
        page, errors = open_page(browser, base, TOPIC)
        everything = result_keys(page)
        boards = {public_cases[k]["board"] for k in everything}
        assert len(boards) >= 2, boards
        board = sorted(boards)[-1]
        assert page.locator(".search-filter-name").all_inner_texts() == ["板块", "状态", "年份"]
        page.locator(f".search-filter-checkbox[name='board'][value='{board}']").check()
        page.wait_for_function(
            "n => /^找到/.test(document.querySelector('.search-message').textContent)"
            " && document.querySelectorAll('.search-result-link').length < n", arg=len(everything))
        narrowed = result_keys(page)
        page.close()
    assert narrowed and sorted(narrowed) == sorted(k for k in everything if public_cases[k]["board"] == board)
    assert errors == []


def contrast(one: list[float], two: list[float]) -> float:
    def luminance(rgb):
        channels = [c / 255 for c in rgb[:3]]
        channels = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    light, dark = sorted([luminance(one), luminance(two)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


FORM_FACTS = """() => {
  const input = document.getElementById("search-input");
  const label = document.querySelector("label[for=search-input]");
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const style = getComputedStyle(input);
  const canvas = document.createElement("canvas").getContext("2d");
  canvas.font = `${style.fontSize} ${style.fontFamily}`;
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  let background = style.backgroundColor;
  for (let el = input; rgb(background)[3] === 0 && el; el = el.parentElement) background = getComputedStyle(el).backgroundColor;
  return {label: label.textContent, labelShown: label.offsetWidth > 0 && label.offsetHeight > 0,
          placeholder: rgb(getComputedStyle(input, "::placeholder").color), background: rgb(background),
          fits: canvas.measureText(input.placeholder).width <= room,
          filtersOpen: document.querySelector(".search-filters").open,
          firstResult: document.querySelector(".search-result") && document.querySelector(".search-result").getBoundingClientRect().top};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1366])
def test_search_form_is_labelled_readable_and_results_come_first_on_a_phone(site, browser, public_cases, width):
    with serve(site.output) as base:
        page, errors = open_page(browser, base, "停车", width=width)
        facts = page.evaluate(FORM_FACTS)
        page.fill("#search-input", "公积金")  # a new query typed, Enter pressed: the address follows it
        page.press("#search-input", "Enter")
        page.wait_for_function("() => /^找到/.test(document.querySelector('.search-message').textContent)"
                               " && new URLSearchParams(location.search).get('q') === '公积金'")
        assert set(result_keys(page)) <= holding(public_cases, "公积金")
        assert page.inner_text(".search-message") == f"找到 {len(holding(public_cases, '公积金'))} 个案件"
        page.close()
    assert facts["label"] and facts["labelShown"]
    assert contrast(facts["placeholder"], facts["background"]) >= 4.5, facts
    assert facts["fits"], facts  # the placeholder is not cut off
    if width == 375:
        assert facts["filtersOpen"] is False and facts["firstResult"] < 800, facts  # folded: a result on screen
    else:
        assert facts["filtersOpen"] is True
    assert errors == []


def indexed(folder: Path) -> list[str]:
    """The case keys of an index, by case number (its case-list files)."""
    keys = []
    for path in sorted((folder / "keys").glob("*.json")):
        keys += [unquote(name.removeprefix(search_source.TEXT_FOLDER + "/").removesuffix(".json"))
                 for name in json.loads(path.read_text("utf-8"))]
    return keys


def postings(folder: Path, key: str) -> list[int]:
    """The case numbers on a key's list, read back from its bucket (differences added up)."""
    buckets = json.loads((folder / "meta.json").read_text("utf-8"))["buckets"]
    bucket = json.loads((folder / "pairs" / f"{search_index.bucket_of(key, buckets):04d}.json").read_text("utf-8"))
    numbers, total = [], 0
    for delta in bucket.get(key, []):
        total += delta
        numbers.append(total)
    return numbers


def test_index_holds_exactly_the_public_cases(site, public_cases):
    folder = site.output / search.INDEX
    keys = indexed(folder)
    assert sorted(keys) == sorted(public_cases)  # each public case once, no other
    assert not (site.output / search.OLD_BUNDLE).exists()
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    assert meta["cases"] == len(public_cases) and set(meta["filters"]) == {"board", "status", "year"}
    for name in ("board", "status"):
        assert sum(meta["filters"][name].values()) == len(public_cases), name
    days = [public_cases[key]["posted"][:10] if public_cases[key]["posted"] else "" for key in keys]
    assert days == sorted(days)  # numbered oldest first: new posts take new numbers
    for number, key in enumerate(keys):  # every pair of every title is on its lists, from the open data's text
        case = public_cases[key]
        assert number in postings(folder, search_index.filter_key("board", search.index_value(case["board"] or "未标注")))
        assert number in postings(folder, search_index.filter_key("status", case["status"]))
        for pair in search_source.pairs(case["title"]):
            assert number in postings(folder, "t" + pair) and number in postings(folder, "b" + pair), (key, pair)
        for pair in list(search_source.pairs(case["body"]))[:20]:
            assert number in postings(folder, "b" + pair), (key, pair)
    texts = {path.name for path in (site.output / search_source.TEXT_FOLDER).iterdir()}
    assert texts == {f"{key}.json" for key in public_cases}
    text = json.loads((site.output / search_source.text_path(PLACES["桐梓坡"])).read_text("utf-8"))
    assert text["title"] == public_cases[PLACES["桐梓坡"]]["title"]
    page = (site.output / "search" / "index.html").read_text("utf-8")
    assert 'for="search-input"' in page and "search-page.js" in page and f'data-index="{search.INDEX}"' in page


def test_pairs_keys_and_buckets():
    assert search_source.pairs("公积金 A3区") == {"公积", "积金", "a3", "3区"}
    assert search_source.query_keys("公积金 公积") == ["b公积", "b积金"]
    assert search_source.query_keys("公积金", "t") == ["t公积", "t积金"] and search_source.query_keys("公") == []
    crc = zlib.crc32("公积".encode("utf-8"))
    assert search_index.bucket_of("b公积", 64) == search_index.bucket_of("t公积", 64) == crc % 64
    key = search_index.filter_key("board", "A市")
    assert search_index.bucket_of(key, 64) == zlib.crc32(key.encode("utf-8")) % 64
    assert search_index.bucket_count(10) == search_index.MIN_BUCKETS
    assert search_index.bucket_count(search_index.BUCKET_POSTINGS * 100) == 128


def copied_site(site, sample_store, output: Path):
    """A copy of the built site with a Build over it (the sample's cases, TAKEN_DOWN taken down)."""
    shutil.copytree(site.output, output)
    return sample_build(sample_store, output)


def index_files(folder: Path) -> dict[str, tuple[bytes, tuple[int, int]]]:
    """Each file of an index: its bytes and (inode, mtime) - which file it is."""
    return {path.relative_to(folder).as_posix(): (path.read_bytes(), (path.stat().st_ino, path.stat().st_mtime_ns))
            for path in folder.rglob("*") if path.is_file()}


def bytes_of(files: dict) -> dict[str, bytes]:
    return {name: data for name, (data, _) in files.items()}


def test_reindexing_follows_the_public_content(site, sample_store, tmp_path, monkeypatch):
    from dataclasses import replace

    monkeypatch.setattr(search_index, "CHUNK", 50)  # several case-list files
    output = tmp_path / "output"
    build = copied_site(site, sample_store, output)
    folder = output / search.INDEX
    (output / search.OLD_BUNDLE).mkdir()  # an index of an earlier version: it may hold cases taken down since
    public = {case.key for case in build.cases}
    assert (output / search_source.text_path(TAKEN_DOWN)).exists()  # from the demo build, which shows it

    first = search.build_index(build)
    assert first["action"] == "indexed" and first["cases"] == len(public)
    assert set(indexed(folder)) == public and TAKEN_DOWN not in public  # no taken-down case
    assert not (output / search_source.text_path(TAKEN_DOWN)).exists()  # its text is gone too
    assert not (output / search.OLD_BUNDLE).exists()

    assert search.build_index(build)["action"] == "unchanged"
    before = index_files(folder)
    case = next(case for case in build.cases if case.key == PLACES["桐梓坡"])
    case.petition = replace(case.petition, body=case.petition.body + "补充：已恢复供水")
    again = search.build_index(build)
    assert again["action"] == "indexed" and 0 < again["changed"] < len(before) and again["removed"] == 0
    assert "已恢复供水" in (output / search_source.text_path(case.key)).read_text("utf-8")
    number = indexed(folder).index(case.key)
    assert number in postings(folder, "b恢复") and number in postings(folder, "b供水")
    after = index_files(folder)
    # The same bytes as an index built from nothing, and every file whose bytes did not change
    # is the same file as before (the output scan and a sync skip it).
    clean = tmp_path / "clean"
    search.index_site(clean, [search.Entry(c.key, (output / search_source.text_path(c.key)).read_text("utf-8"))
                              for c in build.cases])
    assert bytes_of(after) == bytes_of(index_files(clean / search.INDEX))
    kept = [name for name in after if before[name][0] == after[name][0] and name != search.STAMP]
    assert kept and all(after[name][1] == before[name][1] for name in kept)
    assert all(name in kept for name in after if name.startswith("keys/"))  # no case renumbered

    # A new post takes the next number: the case lists of the older cases keep their bytes.
    newest = max(build.cases, key=lambda c: search_index.posting_order(search_source.record(c)))
    build.cases = [c for c in build.cases if c is not newest]
    search.build_index(build)
    without = index_files(folder)
    build.cases.append(newest)
    search.build_index(build)
    back = index_files(folder)
    assert bytes_of(back) == bytes_of(after)
    chunks = sorted(name for name in back if name.startswith("keys/"))
    assert len(chunks) >= 10 and all(back[name][1] == without[name][1] for name in chunks[:-1])

    build.settings["WENZHENG_SEARCH"] = False  # switched off: no index that may be stale is left
    assert search.build_index(build) == {"action": "disabled"}
    assert not folder.exists()

    build.settings["WENZHENG_SEARCH"] = True
    shutil.copytree(site.output / search.INDEX, folder)  # an index from before
    build.cases = []  # everything taken down: no index keeps serving the removed cases
    assert search.build_index(build)["action"] == "empty"
    assert not folder.exists()
    assert not list((output / search_source.TEXT_FOLDER).glob("*.json"))


def test_keys_with_url_syntax_are_indexed(site, tmp_path):
    odd = "forum-7,8{1}?#"
    text = (site.output / search_source.text_path("tipdm-445")).read_text("utf-8")
    record = search_source.read_record(text)._replace(key=odd, url=f"cases/{odd}/")
    entries = [search.Entry("tipdm-445", text), search.Entry(odd, search_source.text_file(record))]
    done = search.index_site(tmp_path, entries)
    assert done["action"] == "indexed" and done["cases"] == 2
    assert sorted(indexed(tmp_path / search.INDEX)) == sorted(["tipdm-445", odd])
    names = json.loads((tmp_path / search.INDEX / "keys" / "0000.json").read_text("utf-8"))
    assert search_source.text_path(odd) == "search/text/forum-7%2C8%7B1%7D%3F%23.json" in names


@pytest.mark.browser
def test_a_large_index_in_many_files_finds_every_case(site, sample_store, tmp_path, browser, monkeypatch):
    """The sample indexed as a large site is (many buckets, many case lists): the same answers."""
    from wenzheng_bridge.site.exports import case_record

    output = tmp_path / "output"
    build = copied_site(site, sample_store, output)
    monkeypatch.setattr(search_index, "BUCKET_POSTINGS", 400)
    monkeypatch.setattr(search_index, "CHUNK", 40)
    assert search.build_index(build)["action"] == "indexed"
    meta = json.loads((output / search.INDEX / "meta.json").read_text("utf-8"))
    assert meta["buckets"] >= 256 and len(list((output / search.INDEX / "keys").iterdir())) >= 10
    cases = {case.key: case_record(case, build.settings) for case in build.cases}  # what the open data says
    with serve(output) as base:
        page, errors = open_page(browser, base)
        answers = page.evaluate(BATCH, QUERIES)
        page.close()
        for place, key in PLACES.items():  # and the page itself
            page, more = open_page(browser, base, place)
            assert result_keys(page)[0] == key
            page.close()
            errors += more
    check_recall(answers, cases)
    assert errors == []
