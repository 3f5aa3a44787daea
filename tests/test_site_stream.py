"""The site's pass over the store: slices, place repeats counted beforehand, page digests and "now"."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from wenzheng_bridge.caseview.settings import CaseviewSettings
from wenzheng_bridge.caseview.trending import PlaceRepeats
from wenzheng_bridge.caseview.view import CaseBuilder, cases
from wenzheng_bridge.site.stream import Digests
from wenzheng_bridge.store import Store

# A Friday morning; an hour later the same day; the next Monday (two working days on).
NOW = "2019-10-18T09:00:00+08:00"
LATER_SAME_DAY = "2019-10-18T10:00:00+08:00"
NEXT_MONDAY = "2019-10-21T09:00:00+08:00"


def build_all(store_path: Path, now: str, carried: bool = False) -> dict:
    """Every sample case at ``now``; ``carried``: as if fj2 and fj3 had reply columns (unanswered)."""
    with Store.open(store_path, readonly=True) as store:
        if not carried:
            return {case.key: case for case in cases(store, {"WENZHENG_NOW": now})}
        builder = CaseBuilder({"WENZHENG_NOW": now})
        return {p.key: builder.build(replace(p, extra={**p.extra, "knows": ["replies", "reply_times"]}))
                for p in store.petitions()}


def test_slices_read_from_the_store_equal_the_stream(sample_store):
    """Petitions read by row id in slices, with repeats counted beforehand, build the same cases."""
    streamed = build_all(sample_store, NOW)
    with Store.open(sample_store, readonly=True) as store:
        outline = store.outline()
        ids = [row[0] for row in outline]
        slices = [store.petitions_by_id(ids[start:start + 97]) for start in range(0, len(ids), 97)]
    window = CaseviewSettings.of({}).trending["place_window_days"]
    repeats = PlaceRepeats.counted(window, ((key, posted, places) for _, key, posted, places in outline))
    builder = CaseBuilder({"WENZHENG_NOW": NOW}, repeats=repeats)
    sliced = [builder.build(petition) for part in reversed(slices) for petition in part]
    assert [row[1] for row in outline] == list(streamed)
    assert sorted(sliced, key=lambda c: c.key) == sorted(streamed.values(), key=lambda c: c.key)
    assert any(case.score_parts["repeat_place"] for case in sliced)  # the sample names places again


def test_page_digest_ignores_what_moves_with_now_but_not_what_pages_show(sample_store, tmp_path):
    digests = Digests(None, "v1")
    first, later, monday = (build_all(sample_store, now, carried=True) for now in (NOW, LATER_SAME_DAY, NEXT_MONDAY))

    def digest(case) -> str:
        return digests.check(case, (), tmp_path)[0]

    # An hour later every score has decayed, yet no page shows anything new.
    before = [key for key, case in first.items() if case.petition.posted and case.petition.posted.isoformat() < NOW]
    assert before and all(first[key].score != later[key].score for key in before)
    assert [key for key in first if digest(first[key]) != digest(later[key])] == []
    # Two working days later the cases still waiting show longer waits; answered ones do not change.
    waiting = {key for key in before if first[key].clocks["reply"].running}
    moved = {key for key in first if digest(first[key]) != digest(monday[key])}
    assert waiting and waiting <= moved
    answered = [key for key, case in first.items() if case.petition.replies and not case.clocks["reply"].running
                and case.status == monday[key].status and not case.followups]
    assert answered and not moved & set(answered)


def _version_of(package: Path, settings: dict) -> str:
    from types import SimpleNamespace

    from jinja2 import DictLoader, Environment

    from wenzheng_bridge.site.stream import code_version

    renderer = SimpleNamespace(env=Environment(loader=DictLoader({"case.html": "{{ case.key }}"})))
    return code_version(renderer, settings, package)


def test_page_version_covers_the_whole_plugin_every_setting_and_the_calendar(tmp_path, monkeypatch):
    """Unchanged cases keep their pages only while nothing else they are made with changed:
    code in any layer (not only site/), any WENZHENG_* setting, the calendar library's data."""
    import shutil
    from importlib import metadata

    import wenzheng_bridge
    from wenzheng_bridge.site import stream

    package = tmp_path / "wenzheng_bridge"
    shutil.copytree(Path(wenzheng_bridge.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    settings = {"WENZHENG_REPLY_LIMITS": {"default": 5}, "WENZHENG_BASE": "/srv/a", "SITEURL": ""}
    first = _version_of(package, settings)
    assert _version_of(package, dict(settings)) == first
    # Where the project lies or how many workers build it changes no page.
    assert _version_of(package, {**settings, "WENZHENG_BASE": "/srv/b", "WENZHENG_WORKERS": 1}) == first
    # A setting pages show, a setting added later, a site setting: each gives a new version.
    for changed in ({"WENZHENG_REPLY_LIMITS": {"default": 6}}, {"WENZHENG_SOMETHING_NEW": 1}, {"SITEURL": "/x"}):
        assert _version_of(package, {**settings, **changed}) != first, changed
    # A one-line change in the case view or the trust layer (outside site/).
    for module in ("caseview/model.py", "trust/sanitize.py"):
        path = package / module
        original = path.read_bytes()
        path.write_bytes(original + b"\n# changed\n")
        assert _version_of(package, settings) != first, module
        path.write_bytes(original)
    assert _version_of(package, settings) == first
    # A new release of the holiday calendar (its data ships with it).
    real = metadata.version
    monkeypatch.setattr(stream.metadata, "version",
                        lambda name: "9999.1" if name == "chinesecalendar" else real(name))
    assert _version_of(package, settings) != first


_DIGESTS_SCRIPT = """
import json, sys
from dataclasses import replace
from pathlib import Path
from wenzheng_bridge.caseview.view import CaseBuilder
from wenzheng_bridge.site.stream import Digests
from wenzheng_bridge.store import Store
builder, digests = CaseBuilder({"WENZHENG_NOW": sys.argv[2]}), Digests(None, "v1")
with Store.open(sys.argv[1], readonly=True) as store:
    built = [builder.build(replace(p, extra={**p.extra, "knows": ["replies", "reply_times", "types"]}))
             for p in store.petitions()]
print(json.dumps({"knows": max(len(c.knows) for c in built),
                  "digests": {c.key: digests.check(c, (), Path("."))[0] for c in built}}))
"""


def test_page_digest_is_the_same_in_every_process(sample_store):
    """A rebuild runs in a new process, where string hashes (and so the order of a set) differ:
    a digest that showed a set in its hash order re-rendered every case page on every rebuild."""
    import json
    import os
    import subprocess
    import sys

    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        done = subprocess.run([sys.executable, "-c", _DIGESTS_SCRIPT, str(sample_store), NOW], env=env,
                              capture_output=True, text=True, check=True)
        runs.append(json.loads(done.stdout))
    assert runs[0]["knows"] >= 3  # a set whose order the hash seed decides
    assert runs[0]["digests"] == runs[1]["digests"]


def test_a_site_without_search_writes_no_search_texts_and_rebuilds_nothing_unchanged(tmp_path):
    """Without search the finalizer removes search/text/; a case that wrote its text anyway found it
    missing at the next build, so every case page was rendered again (10k: 8,712 of 8,712)."""
    import re

    from browser.build import NOW, copy_project, run_pelican
    from wenzheng_bridge.pull import pull
    from wenzheng_bridge.settings import load

    project = copy_project(tmp_path / "project")
    pull(load(project / "pelicanconf.py", {"WENZHENG_NOW": NOW}))
    output = project / "output"
    logs = [run_pelican(project, output, "WENZHENG_SEARCH=false", verbose=True) for _ in range(2)]
    rendered = [int(re.search(r"重新生成\s*(\d+)\s*个案件页", log).group(1)) for log in logs]
    public = len(list((output / "cases").glob("*/index.html")))
    assert rendered == [public, 0] and public > 400
    assert not (output / "search" / "text").exists() and not (output / "search" / "index").exists()
