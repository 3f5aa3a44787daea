"""Atom feeds from the real sample's case view: they parse, stay public, escape text, use +08:00."""
from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

from test_exports import QUOTED, QUOTING, RESOLVED, gated_keys, sample_build
from wenzheng_bridge.site import feeds
from wenzheng_bridge.site.slugs import Slugs


@pytest.fixture(scope="module")
def written(sample_store, tmp_path_factory):
    build = sample_build(sample_store, tmp_path_factory.mktemp("feeds"))
    paths = feeds.write_feeds(build)
    return build, paths


def parse(build, path: str):
    feed = feedparser.parse((Path(build.output_path) / path).read_bytes())
    assert feed.bozo == 0, (path, feed.get("bozo_exception"))
    return feed


def test_every_feed_parses_and_each_public_case_has_one(written):
    build, paths = written
    slug = Slugs()
    boards = {c.petition.board for c in build.cases}
    departments = {c.department for c in build.cases if c.department}
    expected = ({feeds.SITE_FEED, feeds.RESOLVED_FEED}
                | {feeds.group_feed_path("board", slug(b)) for b in boards}
                | {feeds.group_feed_path("department", slug(d)) for d in departments}
                | {feeds.case_feed_path(c) for c in build.cases})
    assert set(paths) == expected and len(paths) == len(expected)
    for path in paths:
        feed = parse(build, path)
        assert feed.version == "atom10"
        assert feed.feed.title


def test_no_feed_mentions_a_gated_case(written):
    build, paths = written
    gated = gated_keys(build)
    for key in gated:
        assert not (Path(build.output_path) / "cases" / key).exists()
    pattern = re.compile("|".join(re.escape(f"/cases/{key}/") for key in gated))
    for path in paths:
        assert not pattern.search((Path(build.output_path) / path).read_text("utf-8")), path


def test_site_feed_lists_the_newest_updates_first(written):
    build, _ = written
    feed = parse(build, feeds.SITE_FEED)
    assert len(feed.entries) == feeds.DEFAULT_MAX_ITEMS
    times = [e.updated_parsed for e in feed.entries]
    assert times == sorted(times, reverse=True)
    newest = max(e.time for c in build.cases for e in c.timeline)
    raw = (Path(build.output_path) / feeds.SITE_FEED).read_text("utf-8")
    assert f"<updated>{newest.isoformat()}</updated>" in raw
    assert len({e.id for e in feed.entries}) == len(feed.entries)


def test_dates_are_in_shanghai_time(written):
    build, paths = written
    raw = (Path(build.output_path) / feeds.case_feed_path(build.cases[0])).read_text("utf-8")
    stamps = re.findall(r"<(?:updated|published)>([^<]+)<", raw)
    assert stamps and all(s.endswith("+08:00") for s in stamps)


def test_case_feed_follows_its_timeline(written):
    build, _ = written
    case = next(c for c in build.cases if c.key == RESOLVED)
    feed = parse(build, feeds.case_feed_path(case))
    assert [e.title.split("｜")[-1] for e in feed.entries] == [e.label for e in case.timeline]
    assert feed.entries[-1].link == f"https://wenzheng.example.org/cases/{RESOLVED}/"
    assert "商铺已加装排烟管道" in feed.entries[-1].summary  # a note the record marked public
    # The internal note of the visit and the reporter's name stay in the newsroom.
    text = (build.output_path / feeds.case_feed_path(case)).read_text(encoding="utf-8")
    assert "实地查看油烟" not in text and "李明" not in text and "实地走访" in text
    assert feed.feed.link == f"https://wenzheng.example.org/cases/{RESOLVED}/"


def test_resolved_feed_and_group_feeds(written):
    build, _ = written
    resolved = parse(build, feeds.RESOLVED_FEED)
    assert RESOLVED in {e.link.rstrip("/").rsplit("/", 1)[-1] for e in resolved.entries}
    assert all(e.title.startswith("【已解决】") for e in resolved.entries)
    case = next(c for c in build.cases if c.key == RESOLVED)
    board = parse(build, feeds.group_feed_path("board", Slugs()(case.petition.board)))
    assert board.entries and all(case.petition.board in [t.term for t in e.tags] for e in board.entries)
    assert board.feed.link.startswith("https://wenzheng.example.org/boards/")


def test_an_empty_feed_keeps_a_stable_shanghai_time(sample_store, tmp_path):
    from wenzheng_bridge.records import NewsroomRecords
    from wenzheng_bridge.site.row import case_updated

    build = sample_build(sample_store, tmp_path / "quiet", records=NewsroomRecords())
    assert not [c for c in build.cases if c.status == "已解决"]
    feeds.write_feeds(build)
    feed = parse(build, feeds.RESOLVED_FEED)
    assert feed.entries == []
    newest = max(case_updated(c) for c in build.cases)
    assert feed.feed.updated == newest.isoformat()


def test_text_is_escaped_not_markup(written, sample_store, tmp_path):
    build, _ = written
    quoting = next(c for c in build.cases if c.key == QUOTING)
    raw = (Path(build.output_path) / feeds.case_feed_path(quoting)).read_text("utf-8")
    assert QUOTED not in raw  # the resident's "<12345>" is never raw markup in the XML
    summary = parse(build, feeds.case_feed_path(quoting)).entries[0].summary
    assert QUOTED in BeautifulSoup(summary, "html.parser").get_text()
    # Hostile text past the trust layer (as if it had a gap) is still text, never a live element.
    hostile = sample_build(sample_store, tmp_path / "hostile")
    target = next(c for c in hostile.cases if c.key == QUOTING)
    target.petition.body = 'x <script>alert(1)</script><img src=x onerror="alert(2)"> y'
    feeds.write_feeds(hostile)
    entry = parse(hostile, feeds.case_feed_path(target)).entries[0]
    soup = BeautifulSoup(entry.summary, "html.parser")
    assert not soup.find_all(["script", "img"])
    assert "<script>" in soup.get_text()


def test_event_ids_survive_new_events(written, sample_store, tmp_path):
    build, _ = written
    case = next(c for c in build.cases if c.key == RESOLVED)
    before = [e.id for e in parse(build, feeds.case_feed_path(case)).entries]
    later = sample_build(sample_store, tmp_path / "later")
    grown = next(c for c in later.cases if c.key == RESOLVED)
    extra = type(grown.timeline[0])("reopened", grown.timeline[-1].time + timedelta(days=5), "重新跟进")
    grown.timeline.append(extra)
    feeds.write_feeds(later)
    after = [e.id for e in parse(later, feeds.case_feed_path(grown)).entries]
    assert after[:-1] == before and len(after) == len(before) + 1


# -- the full demo build -------------------------------------------------------------
def test_built_site_feeds_parse_and_stay_public(tmp_path_factory):
    from browser import site_build
    from wenzheng_bridge.store import Store
    from wenzheng_bridge.trust.accusation import accusation_hold

    site = site_build(tmp_path_factory)
    public = {c["id"] for c in json.loads((site.output / "data" / "cases.json").read_text("utf-8"))["cases"]}
    with Store.open(site.settings["WENZHENG_STORE"], readonly=True) as store:
        every = {p.key: p for p in store.petitions()}
    gated = set(every) - public
    # The demo gates its 举报 posts and the accusations against named people (待审).
    assert gated and all(every[k].type == "举报" or accusation_hold(every[k]) for k in gated)
    assert any(every[k].type != "举报" for k in gated)
    files = sorted(site.output.rglob("*.atom.xml"))
    case_feeds = [f for f in files if f.parent.parent.name == "cases"]
    assert {f.parent.name for f in case_feeds} == public
    pattern = re.compile("|".join(re.escape(f"/cases/{key}/") for key in gated))
    for path in files:
        raw = path.read_bytes()
        feed = feedparser.parse(raw)
        assert feed.bozo == 0, (path, feed.get("bozo_exception"))
        assert not pattern.search(raw.decode("utf-8")), path
        assert all(e.updated.endswith("+08:00") for e in feed.entries), path
        assert feed.feed.updated.endswith("+08:00"), path  # an empty feed too (no UTC "now")
    assert (site.output / feeds.SITE_FEED).exists() and (site.output / feeds.RESOLVED_FEED).exists()
