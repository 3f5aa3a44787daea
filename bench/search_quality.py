"""Search on a built site in headless Chromium: recall against a substring scan, time to first results.

    python bench/search_quality.py [OUTPUT] [--shard-pages N] [--timing-only]

OUTPUT is a built site (default bench/work/10000/out-ours; it is not modified).
With ``--shard-pages N`` its search text files are hard-linked into
bench/work/<name>/quality/shards-N/ and indexed there as shards of at most N
cases by site/search.py's own code (merged in the browser, as a large site's
search page does); the measures below are then taken over those shards.

- index: bundles, files and bytes of pagefind/ and of the per-case text files;
- first results: the site's real search page opened fresh (empty cache) for
  each of TIMED queries: milliseconds from navigation start until the first
  result is drawn, and until the count is final (every hit checked);
- recall: every query of tests/data/search_queries.txt through the search
  page's own module, against an exact substring scan of the site's open data
  (data/cases.json): cases found / cases holding the query, and results that
  do not hold it.

Figures are printed and written to quality.json beside the layout; the exit
status is 1 if recall or precision is below 1.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT / "plugins"), str(ROOT / "tests")]

from browser.server import chromium, serve  # noqa: E402  (the tests' own server and browser)
from wenzheng_bridge.site import search, search_source  # noqa: E402

TIMED = ["暮云街道", "桐梓坡", "噪音", "物业", "公积金", "停车", "油烟", "小区 物业 收费"]
QUERY_FILE = ROOT / "tests" / "data" / "search_queries.txt"

# In the page: every query through the search page's own module, the index loaded once.
BATCH_JS = """async (queries) => {
  const box = document.getElementById("search");
  const root = new URL(box.dataset.root, document.baseURI);
  const m = await import(new URL("theme/js/search.js", root).href);
  const pagefind = await m.openIndex(root, JSON.parse(box.dataset.bundles));
  const out = {};
  for (const query of queries) {
    const search = await new m.Search(pagefind, root, query).start();
    out[query] = (await search.all()).map((f) => f.text.key);
  }
  return out;
}"""


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().lower()


def scan(output: Path, queries: list[str]) -> dict[str, set[str]]:
    """For each query, the public cases whose title, petition, reply or department hold every word."""
    cases = json.loads((output / "data" / "cases.json").read_text("utf-8"))["cases"]
    texts = {case["id"]: "\n".join(normalise(t) for t in [case["title"], case["body"], case["department"],
                                                          *(r["text"] for r in case["replies"])])
             for case in cases}
    found = {}
    for query in queries:
        words = normalise(query).split(" ")
        found[query] = {key for key, text in texts.items() if all(word in text for word in words)}
    return found


def shard_layout(output: Path, folder: Path, size: int) -> tuple[Path, dict]:
    """The site's text files and open data, indexed as shards of at most ``size``, with this checkout's
    search page and scripts (so the code measured is the code here, whatever built the site)."""
    from jinja2 import Environment, FileSystemLoader

    from wenzheng_bridge.site.filters import FILTERS
    from wenzheng_bridge.site.render import Renderer

    shutil.rmtree(folder, ignore_errors=True)
    for name in ("data", search_source.TEXT_FOLDER):
        shutil.copytree(output / name, folder / name, copy_function=os.link)
    shutil.copytree(output / "theme", folder / "theme", copy_function=os.link,
                    ignore=shutil.ignore_patterns("js"))
    shutil.copytree(ROOT / "theme" / "static" / "js", folder / "theme" / "js")
    entries = search.folder_entries(folder)
    done = search.index_site(folder, entries, size)
    bundles = [shard.folder for shard in search.plan(entries, size)]
    env = Environment(loader=FileSystemLoader(str(ROOT / "theme" / "templates")), autoescape=True)
    env.filters.update(FILTERS)
    page = Renderer(env, {"SITENAME": "零距离问政"}, {"RELATIVE_URLS": True}).render(
        "search", search.SEARCH_PAGE, bundle=bundles[0], merged=bundles[1:], enabled=True)
    (folder / search.SEARCH_PAGE).write_text(page, "utf-8")
    runs = {name: {k: run.get(k) for k in ("indexed", "seconds", "peak_mb")} for name, run in done["runs"].items()}
    return folder, {"seconds": done["seconds"], "runs": runs}


def sizes(output: Path) -> dict:
    def tree(path: Path) -> tuple[int, int]:
        files = [p for p in path.rglob("*") if p.is_file()]
        return len(files), sum(p.stat().st_size for p in files)

    index_files, index_bytes = tree(output / search.BUNDLE)
    text_files, text_bytes = tree(output / search_source.TEXT_FOLDER)
    bundles = len(list((output / search.BUNDLE).rglob("pagefind-entry.json")))
    return {"bundles": bundles, "index_files": index_files, "index_mb": round(index_bytes / 2**20, 1),
            "text_files": text_files, "text_mb": round(text_bytes / 2**20, 1)}


def first_results(browser, base: str, query: str) -> dict:
    """A fresh page (its own context: empty cache): ms to the first result and to the final count."""
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{base}search/?q={query}")
        page.wait_for_selector(".search-result, .search-message:text-matches('^没有')", timeout=120_000)
        first = page.evaluate("performance.now()")
        page.wait_for_function("() => /^(找到|没有找到)/.test(document.querySelector('.search-message').textContent)",
                               timeout=120_000)
        final = page.evaluate("performance.now()")
        count = page.evaluate("document.querySelector('.search-message').textContent")
        return {"first_ms": round(first), "final_ms": round(final), "message": count}
    finally:
        context.close()


# In an open search page (index loaded): type a query, submit, time until the first result is drawn.
TYPED_JS = """async (query) => {
  const form = document.querySelector(".search-form");
  const list = document.querySelector(".search-results");
  const message = document.querySelector(".search-message");
  list.replaceChildren();
  message.textContent = "";
  form.querySelector("input[name=q]").value = query;
  const started = performance.now();
  const drawn = new Promise((resolve) => {
    const check = () => (list.children.length || /^没有/.test(message.textContent)) && resolve(performance.now());
    new MutationObserver(check).observe(document.getElementById("search"), {childList: true, subtree: true, characterData: true});
  });
  form.querySelector(".search-button").click();
  return Math.round((await drawn) - started);
}"""


def typed(browser, base: str, queries: list[str]) -> dict[str, int]:
    """Each query typed into one open search page (after its index has loaded): ms to the first result."""
    page = browser.new_page()
    try:
        page.goto(f"{base}search/?q={queries[0]}")
        page.wait_for_function("() => /^(找到|没有找到)/.test(document.querySelector('.search-message').textContent)",
                               timeout=120_000)
        return {query: page.evaluate(TYPED_JS, query) for query in queries}
    finally:
        page.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("output", nargs="?", type=Path, default=HERE / "work" / "10000" / "out-ours")
    parser.add_argument("--shard-pages", type=int, help="index the site's cases as shards of at most this many")
    parser.add_argument("--timing-only", action="store_true", help="skip the recall check")
    args = parser.parse_args(argv)
    site = args.output.resolve()
    work = site.parent / "quality"
    indexing = None
    if args.shard_pages:
        site, indexing = shard_layout(site, work / f"shards-{args.shard_pages}", args.shard_pages)
    queries = [line.strip() for line in QUERY_FILE.read_text("utf-8").splitlines()
               if line.strip() and not line.startswith("#")]
    report: dict = {"site": str(site), "load_average": os.getloadavg(), **sizes(site), "indexing": indexing}
    with serve(site) as base, chromium() as browser:
        report["timed"] = {query: first_results(browser, base, query) for query in TIMED}
        for query, ms in typed(browser, base, TIMED).items():
            report["timed"][query]["typed_ms"] = ms
        if not args.timing_only:
            page = browser.new_page()
            page.goto(f"{base}search/")
            found = page.evaluate(BATCH_JS, queries)
            page.close()
    failed = 0
    if not args.timing_only:
        expected = scan(site, queries)
        held = sum(len(expected[q]) for q in queries)
        hit = sum(len(expected[q] & set(found[q])) for q in queries)
        extra = sum(len(set(found[q]) - expected[q]) for q in queries)
        report["recall"] = {"queries": len(queries), "holding": held, "found": hit, "not_holding": extra,
                            "recall": round(hit / held, 4) if held else None,
                            "missed": {q: sorted(expected[q] - set(found[q]))[:5] for q in queries
                                       if expected[q] - set(found[q])}}
        failed = int(hit < held or extra > 0)
    work.mkdir(parents=True, exist_ok=True)
    (work / "quality.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
    print_report(report)
    return failed


def print_report(report: dict) -> None:
    print(f"{report['site']}：{report['bundles']} 个索引包，索引 {report['index_files']} 个文件 {report['index_mb']} MB，"
          f"案件文本 {report['text_files']} 个文件 {report['text_mb']} MB；负载 {report['load_average']}")
    print("| 查询 | 新开页面：首批结果 ms | 新开页面：计数完成 ms | 已打开的页面中输入查询：首批结果 ms | 结果 |")
    print("|---|---:|---:|---:|---|")
    for query, timed in report["timed"].items():
        print(f"| {query} | {timed['first_ms']} | {timed['final_ms']} | {timed['typed_ms']} | {timed['message']} |")
    if report["indexing"]:
        runs = "，".join(f"{name} {run['indexed']} 个案件 {run['seconds']} 秒 峰值 {run['peak_mb']} MB"
                        for name, run in report["indexing"]["runs"].items())
        print(f"建索引 {report['indexing']['seconds']} 秒：{runs}")
    if "recall" in report:
        r = report["recall"]
        print(f"召回：{r['queries']} 个查询，含查询词的案件 {r['holding']} 个，找到 {r['found']} 个"
              f"（召回率 {r['recall']}），不含查询词的结果 {r['not_holding']} 个")


if __name__ == "__main__":
    sys.exit(main())
