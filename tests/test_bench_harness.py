"""The benchmark harness: the store generator and the full-vs-incremental comparison.

The generator must give the same store for the same seed, exactly N cases, and
the distributions of the real sample (types, boards, fields, reply delays with
fj4's long tail, years 2010-2022). An incremental rebuild after the harness's pull
of changed cases rewrites the changed pages and leaves files with unchanged bytes
untouched (that it equals a clean build is test_site_pages.py's property).
"""
from __future__ import annotations

import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import make_store  # noqa: E402
import run as bench_run  # noqa: E402
from wenzheng_bridge.store import Store  # noqa: E402

COUNT = 2000


def dump(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        petitions = db.execute("SELECT * FROM petitions ORDER BY id").fetchall()
        replies = db.execute("SELECT * FROM replies ORDER BY id").fetchall()
    return petitions + replies


@pytest.fixture(scope="module")
def real():
    return make_store.real_petitions()


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench-stores")
    paths = {name: folder / f"{name}.sqlite3" for name in ("a", "b", "other")}
    make_store.build_store(paths["a"], COUNT)
    make_store.build_store(paths["b"], COUNT)
    make_store.build_store(paths["other"], COUNT, seed=make_store.SEED + 1)
    return paths


def test_same_seed_same_store_other_seed_other_store(stores):
    assert dump(stores["a"]) == dump(stores["b"])
    assert dump(stores["a"]) != dump(stores["other"])


def test_requested_number_of_cases_through_the_store(stores):
    from wenzheng_bridge.store import Store

    with Store.open(stores["a"], readonly=True) as store:
        petitions = list(store.petitions())
        assert store.count() == COUNT
        assert len(store.fields()) == 15  # the real label tree's top level
    assert len({p.key for p in petitions}) == COUNT
    assert all(p.title and p.posted and p.board and p.type and p.field for p in petitions)


def _share(values, value) -> float:
    return sum(1 for v in values if v == value) / len(values)


def test_distributions_follow_the_real_sample(stores, real):
    from wenzheng_bridge.store import Store

    with Store.open(stores["a"], readonly=True) as store:
        cases = list(store.petitions())
    # Types and boards are drawn from the real rows: same shares within sampling error.
    for attribute, value in (("type", "咨询"), ("type", "举报"), ("board", "A市")):
        real_share = _share([getattr(p, attribute) for p in real], value)
        assert abs(_share([getattr(c, attribute) for c in cases], value) - real_share) < 0.04, (attribute, value)
    assert {c.board for c in cases} <= {p.board for p in real}
    assert {c.field for c in cases} <= {p.field for p in real if p.field}
    # District names in the text follow the case to its board.
    district = make_store._DISTRICT
    moved = [c for c in cases if district.fullmatch(c.board) and district.search(c.title + c.body)]
    assert len(moved) > COUNT // 10
    assert all(set(district.findall(c.title + c.body)) == {c.board} for c in moved)
    # Dates spread over 2010-2022, more in later years, as the platform grew.
    years = Counter(c.posted.year for c in cases)
    assert set(years) == set(range(2010, 2023))
    assert years[2022] > 3 * years[2011]
    # Replies at the platform's rate, delays with fj4's long tail.
    delays = [(c.replies[0].time - c.posted).total_seconds() / 86400 for c in cases if c.replies]
    assert 0.95 < len(delays) / COUNT < 0.99
    assert 5 < statistics.median(delays) < 20
    assert max(delays) > 100
    # Reply texts are fj4's, with districts moved and small numbers jittered.
    def shape(text: str) -> str:
        return re.sub(r"\d+", "#", district.sub("D", text))[:40]

    texts = {shape(p.replies[0].text) for p in real if p.replies}
    assert all(shape(c.replies[0].text) in texts for c in cases if c.replies)


def test_newsroom_content_is_read_by_the_newsroom_reader(tmp_path, stores):
    from wenzheng_bridge.newsroom.records import read_all

    written = make_store.write_newsroom(tmp_path / "content", COUNT, store=stores["a"])
    entries = read_all({"WENZHENG_BASE": str(tmp_path), "PATH": "content"})
    with Store.open(stores["a"]) as store:
        posted = {e.case: store.petition(e.case).posted for e in entries}
    # The build refuses a follow-up dated before its petition, or after the pull.
    assert all(posted[e.case] < e.date <= make_store.PULLED_AT for e in entries)
    assert written == {"followed": COUNT // 100, "articles": COUNT // make_store.ARTICLE_EVERY}
    assert len({e.case for e in entries}) == written["followed"]
    assert {e.kind for e in entries} <= {"claimed", "visited", "acted", "resolved"}
    article = (tmp_path / "content" / "articles" / "bench-column-1.md").read_text(encoding="utf-8")
    assert "\nCases: bench-" in article


def test_changes_go_through_upsert_with_history(tmp_path, stores):
    from wenzheng_bridge.store import Store

    path = tmp_path / "store.sqlite3"
    shutil.copy(stores["a"], path)
    changes = make_store.apply_changes(path, 20, COUNT)
    assert Counter(c["what"] for c in changes) == {"reply": 8, "edited": 6, "new": 6}
    assert {c["outcome"] for c in changes if c["what"] != "new"} == {"updated"}
    with Store.open(path, readonly=True) as store:
        assert store.count() == COUNT + 6
        edited = next(c["case"] for c in changes if c["what"] == "edited")
        assert [h["kind"] for h in store.history(edited)] == ["new", "edited"]
        answered = next(c["case"] for c in changes if c["what"] == "reply")
        assert store.petition(answered).replies


# -- full vs incremental build ---------------------------------------------------------------
SMALL = 300


def case_url(key: str) -> str:
    from wenzheng_bridge.site.pages import case_url as site_case_url

    return site_case_url(key)


def _pelican(work, output: Path) -> None:
    done = subprocess.run(bench_run.ours_command(work, output), cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """One small store built, changed by the harness's pull, and rebuilt in place.

    Two builds: that the rebuilt tree equals a clean full build is the site's own property,
    proved once by test_site_pages.py::test_incremental_rebuild_equals_a_clean_build; here
    only the harness's part is checked (its changes, its build command, its comparison).
    """
    work = bench_run.Work(SMALL, root=tmp_path_factory.mktemp("bench-incremental"))
    work.dir.mkdir(parents=True)
    make_store.build_store(work.store, SMALL)
    make_store.write_newsroom(work.content, SMALL, store=work.store)
    bench_run.fresh_build_store(work)
    incremental = work.dir / "incremental"
    _pelican(work, incremental)
    before = bench_run.snapshot(incremental)
    changes = make_store.apply_changes(work.build_store, 10, SMALL)
    _pelican(work, incremental)
    return {"before": before, "after": bench_run.snapshot(incremental), "changes": changes,
            "incremental": incremental}


@pytest.mark.slow
def test_incremental_rebuild_rewrites_only_what_changed(rebuilt):
    diff = bench_run.compare(rebuilt["before"], rebuilt["after"])
    pages = {c["what"]: [] for c in rebuilt["changes"]}
    for change in rebuilt["changes"]:
        page = case_url(change["case"]) + "index.html"
        if page in rebuilt["after"]:  # gated cases (举报) have no page
            pages[change["what"]].append(page)
    assert pages["new"] and set(pages["new"]) <= set(diff["new"])
    assert pages["edited"] + pages["reply"]
    assert set(pages["edited"] + pages["reply"]) <= set(diff["changed"])
    assert diff["unchanged"] > len(rebuilt["after"]) // 2
    # Unchanged bytes keep their mtime, so a sync to the web host moves only what changed.
    assert diff["rewritten_same_bytes"] == [], "rewritten with identical bytes: " + ", ".join(
        diff["rewritten_same_bytes"][:10])
