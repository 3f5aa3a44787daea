"""XSS, proven on a public corpus (issue 11): every field of table, forum and feed sources, the whole site.

Usage (the corpus is read from a checkout, never committed here; see bench/README.md):

    .venv/bin/python bench/xss_corpus.py "/path/to/PayloadsAllTheThings/XSS Injection" [--per-source 650]

1. The corpus: every line of ``Intruders/*.txt`` and every line of the fenced
   code blocks of the folder's Markdown pages that carries markup or a script
   URL; one line per payload, deduplicated, printable. Then every 10th payload
   with markup hidden under 1 to 10 layers of HTML entities (``&lt;`` ->
   ``&amp;lt;`` …). Shuffled with a fixed seed and dealt to the three sources.
2. A project copy (bench/work/xss/project) with three sources:
   - table: a CSV where case i carries payload i in EVERY text column (title, body,
     author, reply, replying unit, type, board, department, field, state, link);
     a second CSV uses the payloads as ids (留言编号), which must be refused;
   - forum and feed: the Discuz! fixture forum of tests/webfixtures on 127.0.0.1,
     one board per payload (board name, thread title, first post, spokesperson reply
     carry it); the forum source walks the boards; the feed source reads the RSS of
     650 other boards on a second fixture forum (not a forum source of the project).
3. Pull, then one full Pelican build (search index included).
4. Checks: each payload's text on its case page (title, body, reply, board) and in
   data/cases.json, compared without whitespace and after the project's masking
   (a payload holding a phone-like number is masked like any text); every HTML file
   parsed for active markup; every feed parsed as XML with no XHTML element.
5. Headless Chromium (tests/browser/hostile.py: alert/prompt/confirm/print hooked in
   every frame, other hosts blocked) loads every HTML page of the site, then the
   search page with several queries, presses "more results" until there are no more,
   and ticks and unticks filters. Executions, dialogs and blocked requests are counted.

Writes bench/work/xss/result.json and prints it; the figures go in bench/RESULTS-trust.md.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import chromium, serve  # noqa: E402
from browser.build import NOW, copy_project, run_pelican  # noqa: E402
from browser.hostile import active_markup, guarded_page, hostile_forum, nested  # noqa: E402

WORK = ROOT / "bench" / "work" / "xss"
SPOKESPERSON = "问政发言人"
_MARKUP = re.compile(r"<|javascript:|on\w+\s*=", re.I)
_FENCE = re.compile(r"^```")
QUERIES = ["alert", "script", "onerror", "img", "javascript", "svg", "表1", "帖2", "楼主", "正文"]
FORUM_FID, FEED_FID = 1000, 5000
MORE_CLICKS = 40  # "more results" presses per query (10 results each)


def read_corpus(folder: Path) -> tuple[list[str], dict[str, int]]:
    """Payload lines of the Intruders lists and of the Markdown pages' code blocks, in file order, deduplicated."""
    found: dict[str, None] = {}
    counts = {}
    for path in sorted((folder / "Intruders").glob("*.txt")):
        lines = [line for line in path.read_text("utf-8", "replace").splitlines() if line.strip()]
        counts[f"Intruders/{path.name}"] = len(lines)
        found.update(dict.fromkeys(lines))
    for path in sorted(folder.glob("*.md")):
        inside, lines = False, []
        for line in path.read_text("utf-8", "replace").splitlines():
            if _FENCE.match(line.strip()):
                inside = not inside
            elif inside and _MARKUP.search(line):
                lines.append(line.strip())
        counts[path.name] = len(lines)
        found.update(dict.fromkeys(lines))
    payloads = [p for p in found if p.isprintable() and 0 < len(p.strip()) <= 1000]
    return payloads, counts


def dealt(payloads: list[str], per_source: int, depth: int, seed: int = 11) -> tuple[dict[str, list[str]], int]:
    """Payloads plus nested-entity variants, shuffled, dealt to table, forum and feed (no payload twice if enough)."""
    marked = [p for p in payloads if "<" in p][::10]
    variants = [nested(p, d) for p in marked for d in range(1, depth + 1)]
    every = list(dict.fromkeys(payloads + variants))
    random.Random(seed).shuffle(every)
    hands = {name: every[index::3][:per_source] for index, name in enumerate(("table", "forum", "feed"))}
    for hand in hands.values():  # a small corpus: deal again from the start
        hand += every[: per_source - len(hand)]
    return hands, len(variants)


def squash(text: str) -> str:
    return "".join((text or "").split())


# -- the project -----------------------------------------------------------------------------
TABLE_HEADER = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间", "答复单位",
                "留言类型", "留言板块", "回复部门", "一级分类", "状态", "链接"]


def table_rows(texts: list[str]) -> list[list[str]]:
    return [[str(i), t, f"表{i} {t}", f"2019/3/{1 + i % 28} 10:{i % 60:02d}:00", f"正文{i}：{t}", f"答复{i}：{t}",
             f"2019/4/{1 + i % 28} 09:00:00", t, t, f"{t}板{i}", f"{t}部门{i}", f"{t}领域{i}", t,
             f"http://x.example/{t}"] for i, t in enumerate(texts)]


def make_project(hands: dict[str, list[str]], forum, feed) -> Path:
    from wenzheng_bridge.pull import pull
    from wenzheng_bridge.settings import load

    shutil.rmtree(WORK, ignore_errors=True)
    project = copy_project(WORK / "project")
    for path in list((project / "content" / "articles").glob("*.md")) + list(
            (project / "content" / "newsroom").glob("*.txt")):
        path.unlink()
    for name, rows in (("xss.csv", table_rows(hands["table"])),
                       ("ids.csv", [[t, "网友", f"编号{i}", "2019/3/1 10:00:00"] + [""] * 10
                                    for i, t in enumerate(hands["table"])])):
        with open(project / "data" / name, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([TABLE_HEADER, *rows])
    fast = {"rate_limit": 0, "timeout": 10.0, "retries": 1, "backoff": 0.02}
    sources = [
        {"name": "table", "kind": "table", "paths": ["data/xss.csv"], "board": "A3区"},
        {"name": "ids", "kind": "table", "paths": ["data/ids.csv"], "board": "A3区"},
        {"name": "forum", "kind": "forum", "url": forum.base, "spokespersons": {SPOKESPERSON: "网络发言人"},
         "fids": [FORUM_FID + i for i in range(len(hands["forum"]))], **fast},
        {"name": "feed", "kind": "feed", "url": [feed.rss_url(FEED_FID + i) for i in range(len(hands["feed"]))],
         "spokespersons": {SPOKESPERSON: "网络发言人"}, **fast},
    ]
    with open(project / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write(f"\nWENZHENG_SOURCES = {json.dumps(sources, ensure_ascii=False)}\n")
    tallies = pull(load(project / "pelicanconf.py", {"WENZHENG_NOW": NOW}))
    return project, {name: tally.as_dict() for name, tally in tallies.items()}


# -- the checks ------------------------------------------------------------------------------
def expected_cases(hands: dict[str, list[str]]) -> dict[str, dict]:
    """Case key -> the texts its page must show (before masking)."""
    cases = {}
    for i, t in enumerate(hands["table"]):
        cases[f"table-{i}"] = {"payload": t, "title": f"表{i} {t}", "body": f"正文{i}：{t}", "reply": f"答复{i}：{t}",
                               "board": f"{t}板{i}", "department": f"{t}部门{i}", "field": f"{t}领域{i}", "author": t}
    for kind, first in (("forum", FORUM_FID), ("feed", FEED_FID)):
        for i, t in enumerate(hands[kind]):
            # A feed item whose description is whole has no replies (the thread page is not opened).
            cases[f"{kind}-{500_000 + first + i}"] = {
                "payload": t, "title": f"帖{i} {t}", "body": f"楼主{i}：{t}第二行",
                "reply": f"答复{i}：{t}" if kind == "forum" else None, "opened_reply": f"答复{i}：{t}",
                "board": f"{t}版{i}"}
    return cases


def check_pages(output: Path, cases: dict[str, dict]) -> dict:
    from lxml import html as lxml_html

    from wenzheng_bridge.trust.masking import mask

    records = {c["id"]: c for c in json.loads((output / "data" / "cases.json").read_text("utf-8"))["cases"]}
    missing, unreadable, masked, case_only, checked = [], [], 0, [], 0
    for key, want in cases.items():
        page = output / "cases" / key / "index.html"
        if not page.exists():
            missing.append(key)
            continue
        tree = lxml_html.fromstring(page.read_bytes())
        shown = {
            "title": tree.xpath("string(//h1)"),
            "body": "".join(p.text_content() for p in tree.xpath("//section[@class='petition']/p[not(@class)]")),
            "reply": "".join(p.text_content() for p in tree.xpath("//div[@class='reply']/p[not(@class)]")),
            "board": tree.xpath("string(//div[dt='板块']/dd/a)"),
            "json title": records.get(key, {}).get("title", ""),
        }
        for field, label in (("department", "部门"), ("field", "领域"), ("author", "网友")):
            if field in want:
                shown[field] = tree.xpath(f"string(//dl[@class='facts']//dt[.='{label}']/following-sibling::dd)")
        if want["reply"] is None and shown["reply"]:  # the feed opened the thread page: a reply is there
            want = {**want, "reply": want["opened_reply"]}
        masked += any(want[f] and mask(want[f]) != want[f] for f in ("title", "body", "reply", "board"))
        for field, text in shown.items():
            expected = want[field.replace("json ", "")]
            if expected is None:
                continue
            checked += 1
            if squash(text) in (squash(mask(expected)), squash(expected)):  # names of units are not masked
                continue
            wrong = {"case": key, "field": field, "want": expected[:120], "shown": text[:120]}
            # feedparser writes a character reference in an RSS title in lower case (&#x3C; -> &#x3c;)
            (case_only if squash(text).lower() == squash(mask(expected)).lower() else unreadable).append(wrong)
    return {"cases_expected": len(cases), "case_pages_missing": len(missing), "missing_first": missing[:10],
            "fields_checked": checked, "fields_unreadable": len(unreadable), "unreadable_first": unreadable[:10],
            "fields_differing_in_letter_case_only": len(case_only), "case_only_first": case_only[:5],
            "cases_with_masked_numbers": masked}


def check_files(output: Path) -> dict:
    from lxml import etree

    problems, scripts, html_files, feeds, xhtml = [], set(), 0, 0, []
    for path in sorted(output.rglob("*.html")):
        html_files += 1
        found, loaded = active_markup(path.read_bytes())
        problems += [f"{path.relative_to(output)}: {p}" for p in found]
        scripts |= loaded
    for path in sorted(output.rglob("*.xml")):
        feeds += 1
        tree = etree.parse(str(path))
        xhtml += [str(path.relative_to(output)) for e in tree.iter() if isinstance(e.tag, str)
                  and e.tag.startswith("{http://www.w3.org/1999/xhtml}")]
    foreign = sorted(s for s in scripts if not (s.startswith("inline:") or "theme" in s))
    return {"html_files": html_files, "active_markup": len(problems), "active_markup_first": problems[:10],
            "foreign_scripts": foreign, "xml_files": feeds, "xhtml_elements_in_xml": len(xhtml)}


def scan(output: Path) -> dict:
    """The build's output scan (personal data), run on the finished site: findings by folder."""
    from wenzheng_bridge.trust.scan import scan_tree

    leaks = scan_tree(output).leaks
    where: dict[str, int] = {}
    for leak in leaks:
        where[leak.path.split("/")[0]] = where.get(leak.path.split("/")[0], 0) + 1
    return {"findings": len(leaks), "by_folder": where,
            "first": [f"{leak.path}:{leak.line}:{leak.column} {leak.kind} {leak.masked}" for leak in leaks[:5]]}


def load_pages(output: Path, pages: list[str]) -> tuple[list[str], list[str]]:
    """Load ``pages`` one after the other in a guarded Chromium page; returns (fired, blocked)."""
    started = time.monotonic()
    with serve(output) as base, chromium() as browser, guarded_page(browser) as (page, guard):
        for number, url in enumerate(pages, 1):
            page.goto(base + url, wait_until="load")
            guard.check(page, url)
            if number % 1000 == 0:
                print(f"  {number}/{len(pages)} pages, {time.monotonic() - started:.0f} s", flush=True)
    return guard.fired, guard.blocked


def browse(output: Path, browsers: int) -> dict:
    """Every HTML page (split over ``browsers`` Chromium processes), then the search page."""
    from multiprocessing import get_context

    pages = sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))
    started = time.monotonic()
    with get_context("spawn").Pool(browsers) as pool:
        runs = pool.starmap(load_pages, [(output, pages[i::browsers]) for i in range(browsers)])
    fired = [call for run in runs for call in run[0]]
    blocked = [url for run in runs for url in run[1]]
    pages_seconds = round(time.monotonic() - started)
    searches = {"queries": 0, "results_shown": 0, "more_clicks": 0, "filters_ticked": 0, "labels_seen": 0}
    with serve(output) as base, chromium() as browser, guarded_page(browser) as (page, guard):
        page.set_default_timeout(20000)
        for query in QUERIES:
            search(page, guard, base + f"search/?q={query}", searches)
    fired += guard.fired
    blocked += guard.blocked
    return {"pages_loaded": len(pages), "browsers": browsers, "pages_seconds": pages_seconds,
            "search_seconds": round(time.monotonic() - started) - pages_seconds, **searches,
            "executions": len(fired), "executions_first": fired[:10],
            "blocked_requests": len(blocked), "blocked_first": blocked[:10]}


def search(page, guard, url: str, tally: dict) -> None:
    """A query, every "more results", then filters ticked and unticked (a sample of board values)."""
    page.goto(url, wait_until="load")
    tally["queries"] += 1
    try:
        page.wait_for_function("() => /^(找到|没有找到)/.test(document.querySelector('.search-message').textContent)",
                               timeout=30000)
        page.wait_for_selector(".search-filter-option", state="attached", timeout=10000)
    except Exception:  # noqa: BLE001 - a query without results has no filters: nothing more to press
        guard.check(page, url)
        return
    guard.check(page, url)
    for _ in range(MORE_CLICKS):
        more = page.locator(".search-more:visible")
        if not more.count():
            break
        before = page.locator(".search-result").count()
        more.first.click()
        page.wait_for_function(f"() => document.querySelectorAll('.search-result').length > {before}")
        tally["more_clicks"] += 1
        guard.check(page, url + " (more)")
    tally["results_shown"] += page.locator(".search-result").count()
    tally["labels_seen"] += page.locator(".search-filter-option").count()
    values = page.eval_on_selector_all("input.search-filter-checkbox",
                                       "els => els.map(e => [e.name, e.value])")
    boards = [v for v in values if v[0] == "board"]
    sample = [v for v in values if v[0] != "board"] + boards[:: max(1, len(boards) // 25)]
    toggle = """([name, value]) => { const box = [...document.querySelectorAll("input.search-filter-checkbox")]
                    .find(e => e.name === name && e.value === value); if (box) box.click(); }"""
    for value in sample:
        page.evaluate(toggle, value)
        page.wait_for_timeout(250)
        guard.check(page, f"{url} (filter {value[0]})")
        page.evaluate(toggle, value)
        tally["filters_ticked"] += 1
    page.wait_for_timeout(250)
    guard.check(page, url + " (filters off)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="XSS corpus run: hostile text in every field, built, loaded in Chromium")
    parser.add_argument("corpus", type=Path, help='the "XSS Injection" folder of a PayloadsAllTheThings checkout')
    parser.add_argument("--per-source", type=int, default=650, help="payloads per source kind (default 650)")
    parser.add_argument("--depth", type=int, default=10, help="deepest entity nesting of the variants (default 10)")
    parser.add_argument("--browsers", type=int, default=2, help="Chromium processes loading the pages (default 2)")
    args = parser.parse_args(argv)
    from webfixtures import FixtureServer

    payloads, counts = read_corpus(args.corpus)
    hands, variants = dealt(payloads, args.per_source, args.depth)
    data = hostile_forum(FORUM_FID, hands["forum"], SPOKESPERSON)
    # The feed's forum is another site: a feed of a forum that is also a forum source is read as that
    # source's threads (one case per thread), and the feed's own path (RSS title, description) is the point.
    feed_data = hostile_forum(FEED_FID, hands["feed"], SPOKESPERSON)
    result = {"corpus_files": counts, "payloads_read": len(payloads), "nested_variants": variants,
              "per_source": {k: len(v) for k, v in hands.items()},
              "nested_per_source": {k: sum("&amp;" in t or "&lt;" in t for t in v) for k, v in hands.items()}}
    started = time.monotonic()
    with FixtureServer(data) as forum, FixtureServer(feed_data) as feed:
        project, result["pull"] = make_project(hands, forum, feed)
    result["pull_seconds"] = round(time.monotonic() - started)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    started = time.monotonic()
    # The output scan runs after the build instead of failing it, so its findings are counted (below).
    run_pelican(project, project / "output", "WENZHENG_SCAN_OUTPUT=false")
    result["build_seconds"] = round(time.monotonic() - started)
    output = project / "output"
    result["output_scan"] = scan(output)
    result["pages"] = check_pages(output, expected_cases(hands))
    result["files"] = check_files(output)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    result["browser"] = browse(output, args.browsers)
    (WORK / "result.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    clean = (result["browser"]["executions"] == 0 and result["files"]["active_markup"] == 0
             and result["pages"]["fields_unreadable"] == 0 and result["pages"]["case_pages_missing"] == 0)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
