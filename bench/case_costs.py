"""Benchmark: what one case costs in a full site build, step by step, in one process.

    .venv/bin/python bench/case_costs.py                       # 2,000 cases of bench/work/10000
    .venv/bin/python bench/case_costs.py --store PATH --cases 5000

The site's pass (``site/stream.py``) does these steps for every case in a
worker; here each step runs over the same cases one after the other, so the
milliseconds per case add up to what a worker spends, and a change to one
step can be measured on its own. Writing goes to a fresh temporary folder
(the file system's cost of a new folder and two new files per case).
Needs the bench store: ``python bench/make_store.py 10000`` (or ``make bench``).
"""
from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default=str(ROOT / "bench/work/10000/store.sqlite3"))
    parser.add_argument("--cases", type=int, default=2000)
    args = parser.parse_args()
    for step, seconds in measure(Path(args.store), args.cases).items():
        print(f"{step:<34} {seconds / args.cases * 1000:6.3f} ms a case")


def measure(store_path: Path, count: int) -> dict[str, float]:
    from pelican.settings import read_settings

    from wenzheng_bridge.caseview.terms import load_segmenter
    from wenzheng_bridge.caseview.topics import body_length, text_terms
    from wenzheng_bridge.caseview.view import CaseBuilder
    from wenzheng_bridge.site.exports import case_lines
    from wenzheng_bridge.site.feeds import FeedCollector, case_feed
    from wenzheng_bridge.site.pages import SiteData
    from wenzheng_bridge.site.row import row_of
    from wenzheng_bridge.site.render import Renderer
    from wenzheng_bridge.site.slugs import Slugs
    from wenzheng_bridge.site.stream import Digests
    from wenzheng_bridge.site.writing import write_if_changed
    from wenzheng_bridge.store import Store

    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"WENZHENG_STORE": str(store_path)})
    renderer = _renderer(settings, SiteData(settings), Renderer)
    load_segmenter()  # a build loads it once before forking its workers
    costs: dict[str, float] = {}

    def timed(step: str, work):
        started = time.perf_counter()
        result = work()
        costs[step] = time.perf_counter() - started
        return result

    with Store.open(store_path, readonly=True) as store:
        ids = [row[0] for row in store.outline()[:count]]
        petitions = timed("read from the store", lambda: [p for start in range(0, len(ids), 500)
                                                          for p in store.petitions_by_id(ids[start:start + 500])])
    builder = CaseBuilder(settings)
    cases = timed("build the case (case view, masking)", lambda: [builder.build(p) for p in petitions])
    rows = timed("light row", lambda: [row_of(c) for c in cases])
    digests = Digests(None, "bench")
    timed("page digest", lambda: [digests.check(c, (), ROOT) for c in cases])
    pages = timed("render the case page", lambda: [renderer.render("case", f"cases/{c.key}/index.html", case=c)
                                                   for c in cases])
    feeds = timed("render the case's feed", lambda: [case_feed(c, settings) for c in cases])
    collector = FeedCollector(settings)
    timed("site-wide feed entries", lambda: [collector.add(c) for c in cases])
    slugs = Slugs(settings.get("WENZHENG_SLUGS") or {})
    timed("open data lines", lambda: [case_lines(c, settings, slugs) for c in cases])
    chars = body_length(settings)
    timed("topic terms (segmenting, no cache)", lambda: [text_terms(c, chars, set()) for c in cases])
    with tempfile.TemporaryDirectory() as folder:
        timed("write page and feed (new files)", lambda: [
            (write_if_changed(Path(folder, f"cases/{c.key}/index.html"), page),
             write_if_changed(Path(folder, f"cases/{c.key}/updates.atom.xml"), feed))
            for c, page, feed in zip(cases, pages, feeds)])
    timed("rows to the main process (pickle)", lambda: pickle.loads(pickle.dumps(rows)))
    costs["total"] = sum(costs.values())
    return costs


def _renderer(settings: dict, site, renderer_class):
    """The theme's Jinja environment as Pelican makes it, with the site's globals."""
    from pelican import Pelican

    from wenzheng_bridge.site.generator import CaseGenerator

    Pelican(settings)  # registers the plugin, whose filters the theme uses

    generator = CaseGenerator(context={"articles": [], "pages": [], "wenzheng": site}, settings=settings,
                              path=settings["PATH"], theme=settings["THEME"], output_path=tempfile.gettempdir())
    return renderer_class(generator.env, generator.context, settings)


if __name__ == "__main__":
    main()
