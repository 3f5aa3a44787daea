"""Do sharded search indexes answer like one index? Top-10 results of real queries in Chromium.

    python bench/search_quality.py [OUTPUT] [--shard-pages 6000,2000] [--by-time 6000]

OUTPUT is a built site (default bench/work/10000/out-ours; it is not modified).
Its case pages are copied once to bench/work/<name>/quality/source/, hard-linked
into bench/work/<name>/quality/<layout>/ and indexed there by site/search.py's own code: once as one bundle, once per
``--shard-pages`` value as the site's shards (by a hash of the case key), and
once per ``--by-time`` value as shards in order of posting (for comparison). Each layout is then queried in headless
Chromium through Pagefind's JavaScript API (``mergeIndex`` for the shards, as
the search page does), and the top 10 of each query are compared with the
single bundle's: same set, same order, same number of results. The figures are
written to quality.json beside the layouts; the exit status is 1 if any
query differs.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT / "plugins"), str(ROOT / "tests")]

from browser.server import chromium, serve  # noqa: E402  (the tests' own server and browser)
from wenzheng_bridge.site import search  # noqa: E402

QUERIES = ["暮云街道", "桐梓坡", "噪音", "物业", "学位", "拆迁", "公交", "停车", "路灯", "油烟", "小区 物业 收费"]
TOP = 10
#: How deep the single index's list is read to place a shard's top 10 in it.
DEPTH = 50

# Runs in the browser: load the first bundle, merge the others, run every query.
SEARCH_JS = """
async ([bundles, queries, top]) => {
  const started = performance.now();
  const pagefind = await import(bundles[0] + "pagefind.js");
  await pagefind.options({ bundlePath: bundles[0] });
  for (const bundle of bundles.slice(1)) { await pagefind.mergeIndex(bundle); }
  const answers = {};
  for (const query of queries) {
    const found = await pagefind.search(query);
    const best = found.results.slice(0, top);
    const pages = await Promise.all(best.map((result) => result.data()));
    // The bundle's folder prefixes each URL (Pagefind's base URL): keep the case's own path.
    answers[query] = { count: found.results.length, urls: pages.map((page) => page.url.replace(/^.*\/cases\//, "/cases/")),
                       scores: best.map((result) => Math.round(result.score * 1000) / 1000) };
    if (answers.first_ms === undefined) { answers.first_ms = Math.round(performance.now() - started); }
  }
  answers.all_ms = Math.round(performance.now() - started);
  return answers;
}
"""


def snapshot(output: Path, folder: Path) -> Path:
    """A private copy of the case pages: a build running meanwhile may rewrite the output's files in place."""
    if not folder.exists():
        for page in search.folder_pages(output):
            (folder / page.path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(output / page.path, folder / page.path)
    return folder


def make_layout(source: Path, folder: Path, shards: list[search.Shard]) -> list[str]:
    """Index ``shards`` of the case pages of ``source`` in ``folder``; returns the bundle folders, the first one first."""
    if not (folder / "cases").exists():
        for page in search.folder_pages(source):
            (folder / page.path).parent.mkdir(parents=True, exist_ok=True)
            os.link(source / page.path, folder / page.path)
    started = time.monotonic()
    done = search.index_shards(folder, shards)
    peaks = [run.get("peak_mb", 0) for run in done["runs"].values()]
    print(f"{folder.name}: {len(done['runs'])} 个包，{done['action']}，用时 {time.monotonic() - started:.0f} 秒，"
          f"Pagefind 峰值内存最高 {max(peaks)} MB", flush=True)
    return [shard.folder for shard in shards]


def by_time(output: Path, pages: list[search.Page], size: int) -> list[search.Shard]:
    """Consecutive runs of cases in order of posting, at most ``size`` each: what year-month shards give."""
    posted = {case["id"]: case.get("posted") or "" for case in
              json.loads((output / "data" / "cases.json").read_text("utf-8"))["cases"]}
    ordered = sorted(pages, key=lambda page: (posted.get(page.key, ""), page.key))
    count = -(-len(ordered) // size)
    chunk = -(-len(ordered) // count)
    return [search.Shard(f"{search.BUNDLE}/t{n + 1:02d}", ordered[n * chunk:(n + 1) * chunk]) for n in range(count)]


def ask(browser, base: str, layout: str, bundles: list[str]) -> dict:
    page = browser.new_page()
    try:
        page.goto(f"{base}{layout}/")
        paths = [f"/{layout}/{bundle}/" for bundle in bundles]
        return page.evaluate(SEARCH_JS, [paths, QUERIES, DEPTH if layout == "one" else TOP])
    finally:
        page.close()


def compare(reference: dict, other: dict) -> dict:
    """Per query: same result count, same top-10 set and order, and where the shards' top 10 sit in one index.

    ``worst_rank`` is the lowest place (1-based) in the single index of any page
    in the shards' top 10; ``gap`` is how far that page's score in the single
    index is below its 10th score (0.01 = 1%): small gaps mean near-ties swapped.
    """
    verdict = {}
    for query in QUERIES:
        one, two = reference[query], other[query]
        top = one["urls"][:TOP]
        ranks = [one["urls"].index(url) + 1 if url in one["urls"] else DEPTH + 1 for url in two["urls"]]
        worst = max(ranks, default=0)
        tenth = one["scores"][min(TOP, len(top)) - 1] if top else 0
        gap = (tenth - one["scores"][worst - 1]) / tenth if tenth and worst <= DEPTH else None
        verdict[query] = {"same_count": one["count"] == two["count"], "count": [one["count"], two["count"]],
                          "overlap": len(set(top) & set(two["urls"])), "same_order": top == two["urls"],
                          "worst_rank": worst, "gap": round(max(gap, 0), 4) if gap is not None else None}
    return verdict


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("output", nargs="?", type=Path, default=HERE / "work" / "10000" / "out-ours")
    parser.add_argument("--shard-pages", default=str(search.SHARD_PAGES),
                        help="comma-separated shard sizes to compare with one bundle")
    parser.add_argument("--by-time", default="",
                        help="comma-separated shard sizes to also try shards in order of posting (year-month like)")
    parser.add_argument("--time-only", action="store_true",
                        help="only time the queries over OUTPUT's own index (as the site's build left it)")
    args = parser.parse_args(argv)
    if args.time_only:
        return time_site(args.output)
    work = args.output.resolve().parent / "quality"
    work.mkdir(exist_ok=True)
    (work / "index.html").write_text("<!DOCTYPE html><title>quality</title>", "utf-8")
    source = snapshot(args.output, work / "source")
    pages = search.folder_pages(source)
    layouts = {"one": make_layout(source, work / "one", search.plan(pages, len(pages)))}
    for size in (int(value) for value in args.shard_pages.split(",")):
        layouts[f"shards-{size}"] = make_layout(source, work / f"shards-{size}", search.plan(pages, size))
    for size in (int(value) for value in args.by_time.split(",") if value):
        layouts[f"time-{size}"] = make_layout(source, work / f"time-{size}", by_time(args.output, pages, size))
    for name in layouts:
        shutil.copy(work / "index.html", work / name / "index.html")
    with serve(work) as base, chromium() as browser:
        answers = {name: ask(browser, base, name, bundles) for name, bundles in layouts.items()}
    report = {"queries": QUERIES, "bundles": {name: len(bundles) for name, bundles in layouts.items()},
              "answers": answers,
              "verdicts": {name: compare(answers["one"], answers[name]) for name in layouts if name != "one"}}
    (work / "quality.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
    return print_report(report)


def time_site(output: Path) -> int:
    """Query a built site's own bundles (shards or one) as its search page would: counts and times."""
    root = output / search.BUNDLE
    bundles = [search.BUNDLE] if (root / "pagefind-entry.json").exists() else \
        [f"{search.BUNDLE}/{child.name}" for child in sorted(root.iterdir()) if child.is_dir()]
    paths = [f"/{bundle}/" for bundle in bundles]
    with serve(output) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(f"{base}robots.txt")  # any page of the site: the search page's own UI would search too
        answers = page.evaluate(SEARCH_JS, [paths, QUERIES, TOP])
        page.close()
        ui_ms = time_ui(browser, base, paths, QUERIES[0])
    print(f"{output}：{len(bundles)} 个包，首个查询 {answers['first_ms']} ms，全部 {len(QUERIES)} 个查询 {answers['all_ms']} ms；"
          f"Pagefind UI 在新页面中显示“{QUERIES[0]}”的结果用时 {ui_ms} ms")
    for query in QUERIES:
        print(f"| {query} | {answers[query]['count']} |")
    return 0


def time_ui(browser, base: str, paths: list[str], query: str) -> int:
    """Milliseconds from a fresh page's PagefindUI (shards merged, as the search page does) to its first result."""
    page = browser.new_page()
    try:
        page.goto(f"{base}robots.txt")
        page.set_content(f"""<!DOCTYPE html><html><head><script src="{paths[0]}pagefind-ui.js"></script></head>
<body><div id="search"></div><script>
window.started = performance.now();
new PagefindUI({{ element: "#search", bundlePath: "{paths[0]}", showSubResults: false, showImages: false,
  mergeIndex: {json.dumps([{"bundlePath": path} for path in paths[1:]])} }}).triggerSearch("{query}");
</script></body></html>""")
        page.wait_for_selector(".pagefind-ui__result-link", timeout=120_000)
        return round(page.evaluate("performance.now() - window.started"))
    finally:
        page.close()


def print_report(report: dict) -> int:
    differ = 0
    for name, verdict in report["verdicts"].items():
        timing = report["answers"][name]
        print(f"\n{name}（{report['bundles'][name]} 个包，首个查询 {timing['first_ms']} ms，"
              f"全部 {timing['all_ms']} ms；单一索引 {report['answers']['one']['all_ms']} ms）")
        print("| 查询 | 结果数（单一 / 分片） | 前 10 重合 | 前 10 顺序相同 | 分片前 10 在单一索引中的最低名次 | 与第 10 名的分差 |")
        print("|---|---:|---:|:-:|---:|---:|")
        for query, v in verdict.items():
            gap = f"{v['gap']:.1%}" if v["gap"] is not None else f"> 第 {DEPTH} 名"
            print(f"| {query} | {v['count'][0]} / {v['count'][1]} | {v['overlap']}/{TOP}"
                  f" | {'是' if v['same_order'] else '否'} | {v['worst_rank']} | {gap} |")
            differ += not (v["same_order"] and v["same_count"])
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
