"""Chinese search on the built sample site: headless Chromium, a real server on 127.0.0.1.

The browser tests share the session's one full build of the bundled real data
(tests/browser); the index-maintenance tests work on a copy of its output.
Recall is checked against an exact substring scan of the same public cases as
the open data export states them (data/cases.json), not against the search's
own text files.
"""
from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest

from browser import serve
from test_exports import TAKEN_DOWN, sample_build
from wenzheng_bridge.site import search, search_source

QUERIES = [line.strip() for line in (Path(__file__).parent / "data" / "search_queries.txt").read_text("utf-8")
           .splitlines() if line.strip() and not line.startswith("#")]
# Place names from real case titles, each in exactly one public case's title.
PLACES = {"暮云街道": "tipdm-10073", "桐梓坡": "tipdm-445"}
# The hot topic the competition names in fj3 (留言编号 360100-360109): posts in two boards.
TOPIC = "魅力之城"

# In the page: every query through the search page's own module (the index loaded once),
# answering each query's results in order with their tier, and the query's tokens.
BATCH = """async (queries) => {
  const box = document.getElementById("search");
  const root = new URL(box.dataset.root, document.baseURI);
  const m = await import(new URL("theme/js/search.js", root).href);
  const pagefind = await m.openIndex(root, JSON.parse(box.dataset.bundles));
  const out = {};
  for (const query of queries) {
    const search = await new m.Search(pagefind, root, query).start();
    const found = await search.all();
    out[query] = {tokens: m.queryTokens(query), keys: found.map(f => f.text.key), tiers: found.map(f => f.tier)};
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
        assert set(answer["keys"]) == expected, (query, expected ^ set(answer["keys"]))
        assert len(answer["keys"]) == len(expected), query  # each case once
        assert answer["tiers"] == sorted(answer["tiers"]), query
        whole = normalise(query)
        in_title = [key for key in answer["keys"] if whole in normalise(cases[key]["title"])]
        assert answer["keys"][:len(in_title)] == in_title, query  # titles holding the query come first
        assert answer["tokens"] == search_source.tokens(normalise(query).split(" ")), query


@pytest.mark.browser
def test_every_query_finds_exactly_the_cases_holding_it(site, public_cases, browser):
    assert len(QUERIES) >= 100
    with serve(site.output) as base:
        page, errors = open_page(browser, base)
        answers = page.evaluate(BATCH, QUERIES)
        page.close()
    check_recall(answers, public_cases)
    # The misses: each word now finds every case holding it.
    assert len(answers["公积金"]["keys"]) == len(holding(public_cases, "公积金")) >= 9
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


def indexed_urls(bundle: Path) -> set[str]:
    """URLs of every page in a Pagefind bundle, read from its fragments."""
    urls = set()
    for fragment in (bundle / "fragment").iterdir():
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        urls.add(json.loads(data)["url"])
    return urls


def test_index_holds_exactly_the_public_cases(site, public_cases):
    bundle = site.output / search.BUNDLE
    assert indexed_urls(bundle) == {f"/cases/{key}/" for key in public_cases}
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["zh-cn"]
    filters = pagefind_filters(bundle)
    assert set(filters) == {"board", "status", "year"}
    for case in public_cases.values():  # every public case's board, status and year is a value of its filter
        assert (case["board"] or "未标注").encode() in filters["board"], case["id"]
        assert case["status"].encode() in filters["status"], case["id"]
        if case["posted"]:
            assert case["posted"][:4].encode() in filters["year"], case["id"]
    assert not list(bundle.glob("pagefind-*ui*")) and (bundle / "pagefind.js").exists()  # only the JS API
    texts = {path.name for path in (site.output / search_source.TEXT_FOLDER).iterdir()}
    assert texts == {f"{key}.json" for key in public_cases}
    text = json.loads((site.output / search_source.text_path(PLACES["桐梓坡"])).read_text("utf-8"))
    assert text["title"] == public_cases[PLACES["桐梓坡"]]["title"]
    page = (site.output / "search" / "index.html").read_text("utf-8")
    assert 'for="search-input"' in page and "search-page.js" in page


def pagefind_filters(bundle: Path) -> dict[str, bytes]:
    """Filter name -> its index file as Pagefind writes it: gzip, "pagefind_dcd", then CBOR [name, values]."""
    found = {}
    for path in (bundle / "filter").glob("*.pf_filter"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd"), path
        body = data[len(b"pagefind_dcd"):]
        assert body[0] == 0x82 and 0x60 <= body[1] < 0x78, path  # a 2-array opening with a short text string
        found[body[2:2 + body[1] - 0x60].decode()] = body
    return found


def test_tokens_are_letters_and_pairs_overlap():
    assert search_source.bigrams("公积金 A3区") == ["公积", "积金", "a3", "3区"]
    tokens = search_source.tokens(["公积金"])
    assert tokens == ["b" + search_source.char_code("公") + search_source.char_code("积"),
                      "b" + search_source.char_code("积") + search_source.char_code("金")]
    assert all(re.fullmatch(r"b[a-p]{12}", token) for token in tokens)
    assert search_source.char_code("公") == "".join(chr(ord("a") + int(d, 16)) for d in format(ord("公"), "06x"))


def copied_site(site, sample_store, output: Path):
    """A copy of the built site with a Build over it (the sample's cases, TAKEN_DOWN taken down)."""
    shutil.copytree(site.output, output)
    return sample_build(sample_store, output)


def bundle_files(bundle: Path) -> dict[str, tuple[bytes, tuple[int, int]]]:
    """Each file of a Pagefind bundle: its bytes and (inode, mtime) - which file it is."""
    return {path.relative_to(bundle).as_posix(): (path.read_bytes(), (path.stat().st_ino, path.stat().st_mtime_ns))
            for path in bundle.rglob("*") if path.is_file()}


def test_reindexing_follows_the_public_content(site, sample_store, tmp_path):
    from dataclasses import replace

    output = tmp_path / "output"
    build = copied_site(site, sample_store, output)
    public = {f"/cases/{case.key}/" for case in build.cases}
    assert (output / search_source.text_path(TAKEN_DOWN)).exists()  # from the demo build, which shows it

    first = search.build_index(build)
    assert first["action"] == "indexed" and first["pages"] == len(public)
    assert indexed_urls(output / search.BUNDLE) == public  # no taken-down case
    assert f"/cases/{TAKEN_DOWN}/" not in public
    assert not (output / search_source.text_path(TAKEN_DOWN)).exists()  # its text is gone too

    assert search.build_index(build)["action"] == "unchanged"
    before = bundle_files(output / search.BUNDLE)
    case = next(case for case in build.cases if case.key == PLACES["桐梓坡"])
    case.petition = replace(case.petition, body=case.petition.body + "补充：已恢复供水")
    assert search.build_index(build)["action"] == "indexed"
    assert "已恢复供水" in (output / search_source.text_path(case.key)).read_text("utf-8")
    assert not list(output.glob(".pagefind*"))  # temporary folders are gone
    # The reindexed bundle holds the fragments a clean index of the same cases holds (Pagefind's
    # filter and metadata files differ between any two runs: page numbering), and every file
    # whose bytes did not change is the same file as before (the output scan skips it).
    after = bundle_files(output / search.BUNDLE)
    clean = tmp_path / "clean"
    search.index_site(clean, [search.Entry(c.key, (output / search_source.text_path(c.key)).read_text("utf-8"))
                              for c in build.cases])
    fresh = bundle_files(clean / search.BUNDLE)

    def fragments(files: dict) -> dict:
        return {name: data for name, (data, _) in files.items() if name.startswith("fragment/")}

    assert fragments(after) == fragments(fresh) and len(after) == len(fresh)
    assert indexed_urls(output / search.BUNDLE) == indexed_urls(clean / search.BUNDLE) == public
    kept = [name for name in after if name in before and before[name][0] == after[name][0]]
    assert len(kept) > len(after) / 2 and all(after[name][1] == before[name][1] for name in kept
                                              if name != "pagefind-entry.json")
    assert any(name not in before for name in after)  # the changed case's fragment is new

    build.settings["WENZHENG_SEARCH"] = False  # switched off: no index that may be stale is left
    assert search.build_index(build) == {"action": "disabled"}
    assert not (output / search.BUNDLE).exists()

    build.settings["WENZHENG_SEARCH"] = True
    shutil.copytree(site.output / search.BUNDLE, output / search.BUNDLE)  # an index from before
    build.cases = []  # everything taken down: no index keeps serving the removed cases
    assert search.build_index(build)["action"] == "empty"
    assert not (output / search.BUNDLE).exists()
    assert not list((output / search_source.TEXT_FOLDER).glob("*.json"))


def test_keys_with_glob_and_url_syntax_are_indexed(site, tmp_path):
    odd = "forum-7,8{1}?#"
    text = (site.output / search_source.text_path("tipdm-445")).read_text("utf-8")
    record = search_source.read_record(text)._replace(key=odd, url=f"cases/{odd}/")
    entries = [search.Entry("tipdm-445", text), search.Entry(odd, search_source.text_file(record))]
    done = search.index_site(tmp_path, entries)
    assert done["runs"][search.BUNDLE]["indexed"] == 2
    assert indexed_urls(tmp_path / search.BUNDLE) == {"/cases/tipdm-445/", f"/cases/{odd}/"}
    assert search_source.text_path(odd) == "search/text/forum-7%2C8%7B1%7D%3F%23.json"


@pytest.mark.browser
def test_a_large_site_is_indexed_in_shards_merged_in_the_browser(site, sample_store, tmp_path, browser,
                                                                 monkeypatch):
    from dataclasses import replace

    from jinja2 import Environment, FileSystemLoader

    from wenzheng_bridge.site.exports import case_record
    from wenzheng_bridge.site.render import Renderer

    output = tmp_path / "output"
    build = copied_site(site, sample_store, output)
    monkeypatch.setattr(search, "SHARD_PAGES", 200)  # the sample's 500-odd public cases count as large
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

    home = {key: search.shard_of(key, count) for key in PLACES.values()}
    assert len(set(home.values())) == 2, home  # the two places are in different shards
    case = next(case for case in build.cases if case.key == PLACES["暮云街道"])
    case.petition = replace(case.petition, body=case.petition.body + "补充说明")
    again = search.build_index(build)
    changed = {folder for folder, action in again["bundles"].items() if action == "indexed"}
    assert changed == {f"pagefind/{home[PLACES['暮云街道']] + 1:02d}-of-{count:02d}"}

    env = Environment(loader=FileSystemLoader(str(site.project / "theme" / "templates")), autoescape=True)
    build.renderer = Renderer(env, {"SITENAME": "零距离问政"}, {**build.settings, "RELATIVE_URLS": True})
    search.write_search_page(build)
    cases = {case.key: case_record(case, build.settings) for case in build.cases}  # what the open data says
    with serve(output) as base:
        page, errors = open_page(browser, base)
        answers = page.evaluate(BATCH, QUERIES)  # the whole query set over the merged shards
        page.close()
        for place, key in PLACES.items():  # and the page itself, through the shards
            page, more = open_page(browser, base, place)
            assert result_keys(page)[0] == key
            page.close()
            errors += more
    check_recall(answers, cases)
    topic = answers[TOPIC]["keys"]
    assert len({search.shard_of(key, count) for key in topic}) >= 2, topic
    assert errors == []
