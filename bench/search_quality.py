"""Search on a built site in headless Chromium: recall against a substring scan, time to first results.

    python bench/search_quality.py [OUTPUT] [--reindex] [--timing-only]

OUTPUT is a site built with search on (default bench/work/10000/out-search; it
is not modified). With ``--reindex`` its search text files and open data are
hard-linked into bench/work/<name>/quality/site/ and indexed there by this
checkout's site/search.py, with this checkout's search page and scripts (so the
code measured is the code here, whatever built the site).

- index: files and bytes of the index and of the per-case text files;
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
  const index = await m.openIndex(root, box.dataset.index);
  const out = {};
  for (const query of queries) {
    const search = await new m.Search(index, root, query).start();
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


def fresh_layout(output: Path, folder: Path) -> tuple[Path, dict]:
    """The site's text files and open data, indexed by this checkout's code, with its search page and scripts."""
    from jinja2 import Environment, FileSystemLoader

    from wenzheng_bridge.site.filters import FILTERS
    from wenzheng_bridge.site.render import Renderer

    shutil.rmtree(folder, ignore_errors=True)
    for name in ("data", search_source.TEXT_FOLDER):
        shutil.copytree(output / name, folder / name, copy_function=os.link)
    shutil.copytree(output / "theme", folder / "theme", copy_function=os.link,
                    ignore=shutil.ignore_patterns("js"))
    shutil.copytree(ROOT / "theme" / "static" / "js", folder / "theme" / "js")
    done = search.index_site(folder, search.folder_entries(folder))
    env = Environment(loader=FileSystemLoader(str(ROOT / "theme" / "templates")), autoescape=True)
    env.filters.update(FILTERS)
    page = Renderer(env, {"SITENAME": "零距离问政"}, {"RELATIVE_URLS": True}).render(
        "search", search.SEARCH_PAGE, index=search.INDEX, enabled=True)
    (folder / search.SEARCH_PAGE).write_text(page, "utf-8")
    return folder, {key: done.get(key) for key in ("cases", "files", "seconds")}


def sizes(output: Path) -> dict:
    def tree(path: Path) -> tuple[int, int]:
        files = [p for p in path.rglob("*") if p.is_file()]
        return len(files), sum(p.stat().st_size for p in files)

    index_files, index_bytes = tree(output / search.INDEX)
    text_files, text_bytes = tree(output / search_source.TEXT_FOLDER)
    return {"index_files": index_files, "index_mb": round(index_bytes / 2**20, 1),
            "text_files": text_files, "text_mb": round(text_bytes / 2**20, 1)}


# Set before the page's own scripts run: the page's clock when the first result is drawn and
# when the count is final (read in the page, so the browser driver's round trips are not counted).
CLOCK_JS = """new MutationObserver(() => {
  const message = document.querySelector(".search-message");
  if (!window.firstResult && (document.querySelector(".search-result") || /^没有/.test(message && message.textContent)))
    window.firstResult = performance.now();
  if (!window.countFinal && message && /^(找到|没有找到)/.test(message.textContent)) window.countFinal = performance.now();
}).observe(document, {childList: true, subtree: true, characterData: true});"""


def first_results(browser, base: str, query: str) -> dict:
    """A fresh page (its own context: empty cache): ms from navigation start to the first result and to the final count."""
    context = browser.new_context()
    context.add_init_script(CLOCK_JS)
    page = context.new_page()
    try:
        page.goto(f"{base}search/?q={query}")
        page.wait_for_function("() => window.firstResult && window.countFinal", timeout=120_000)
        first, final = page.evaluate("[window.firstResult, window.countFinal]")
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
    parser.add_argument("output", nargs="?", type=Path, default=HERE / "work" / "10000" / "out-search")
    parser.add_argument("--reindex", action="store_true", help="index the site's cases with this checkout's code")
    parser.add_argument("--timing-only", action="store_true", help="skip the recall check")
    args = parser.parse_args(argv)
    site = args.output.resolve()
    work = site.parent / "quality"
    indexing = None
    if args.reindex:
        site, indexing = fresh_layout(site, work / "site")
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
    print(f"{report['site']}：索引 {report['index_files']} 个文件 {report['index_mb']} MB，"
          f"案件文本 {report['text_files']} 个文件 {report['text_mb']} MB；负载 {report['load_average']}")
    print("| 查询 | 新开页面：首批结果 ms | 新开页面：计数完成 ms | 已打开的页面中输入查询：首批结果 ms | 结果 |")
    print("|---|---:|---:|---:|---|")
    for query, timed in report["timed"].items():
        print(f"| {query} | {timed['first_ms']} | {timed['final_ms']} | {timed['typed_ms']} | {timed['message']} |")
    if report["indexing"]:
        done = report["indexing"]
        print(f"建索引：{done['cases']} 个案件，{done['files']} 个文件，{done['seconds']} 秒")
    if "recall" in report:
        r = report["recall"]
        print(f"召回：{r['queries']} 个查询，含查询词的案件 {r['holding']} 个，找到 {r['found']} 个"
              f"（召回率 {r['recall']}），不含查询词的结果 {r['not_holding']} 个")


if __name__ == "__main__":
    sys.exit(main())
