"""The hot-topic term cache: a rebuild segments only new or edited petitions (real sample)."""
from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from wenzheng_bridge.caseview import cases, topics
from wenzheng_bridge.caseview.termcache import FILENAME
from wenzheng_bridge.caseview.topics import body_length
from wenzheng_bridge.caseview.terms import TermStream
from wenzheng_bridge.store import Store

NOW = {"WENZHENG_NOW": "2020-02-01T12:00:00+08:00"}


@pytest.fixture(scope="module")
def views(sample_store):
    with Store.open(sample_store, readonly=True) as store:
        return list(cases(store, NOW))


@pytest.fixture
def segmented(monkeypatch):
    """The texts the segmenter is asked to segment during a test."""
    from wenzheng_bridge.caseview import terms

    texts: list[str] = []
    original = terms.segment

    def counting(text):
        texts.append(text)
        return original(text)

    monkeypatch.setattr(terms, "segment", counting)
    return texts


def shape(found):
    return [(t.label, t.members, t.heat) for t in found]


@pytest.fixture
def groupings(monkeypatch):
    """How many times petitions are grouped from their terms during a test."""
    from wenzheng_bridge.caseview import grouping

    calls = []
    original = grouping.groups

    def counting(matrix, options):
        calls.append(matrix.rows)
        return original(matrix, options)

    monkeypatch.setattr(grouping, "groups", counting)
    return calls


def test_second_run_on_an_unchanged_store_segments_nothing(views, tmp_path, segmented, groupings):
    settings = {**NOW, "WENZHENG_BASE": str(tmp_path)}
    uncached = topics(views, NOW)  # no base folder: no cache on disk
    assert not (tmp_path / ".wenzheng-cache").exists()
    segmented.clear()
    first = topics(views, settings)
    assert len(segmented) == 2 * len(views)  # title and start of body of every petition
    assert (tmp_path / ".wenzheng-cache" / FILENAME).is_file()
    segmented.clear()
    groupings.clear()
    second = topics(views, settings)
    assert segmented == [] and groupings == []  # neither segmented nor grouped again
    assert shape(second) == shape(first) == shape(uncached)
    assert any("魅力之城" in t.label for t in second)
    # A later build scores the cases anew (trending decays with "now"): the heat follows, the
    # grouping is reused.
    rescored = [replace(c, score=c.score + 1) for c in views]
    later = topics(rescored, settings)
    assert segmented == [] and groupings == []
    assert shape(later) == shape(topics(rescored, NOW)) != shape(second)


def test_an_edited_petition_is_segmented_again(views, tmp_path, segmented, groupings):
    """Only the edited text is segmented; the cache is keyed by the text itself, so a text
    already seen (another petition's copy) would not be segmented twice either."""
    settings = {**NOW, "WENZHENG_BASE": str(tmp_path)}
    topics(views, settings)
    # 360100 (魅力之城, fumes from ground-floor shops) rewritten as a question about the college.
    college = next(c for c in views if c.key == "tipdm-360110").petition
    title, body = "再次反映：" + college.title, "我还是" + college.body
    edited = [replace(c, petition=replace(c.petition, title=title, body=body))
              if c.key == "tipdm-360100" else c for c in views]
    segmented.clear()
    groupings.clear()
    found = topics(edited, settings)
    assert segmented == [title, body[:body_length(NOW)]]
    assert groupings == [len(views)]  # a changed text: grouped again, from the cached terms
    assert shape(found) == shape(topics(edited, NOW))
    topic_of = {key: t.label for t in found for key in t.members}
    assert topic_of["tipdm-360100"] == topic_of["tipdm-360110"]


def test_cache_folder_setting_and_an_unusable_folder(views, tmp_path, segmented, caplog):
    sample = views[:40]
    topics(sample, {**NOW, "WENZHENG_BASE": str(tmp_path), "WENZHENG_CACHE_DIR": "cache/here"})
    assert (tmp_path / "cache" / "here" / FILENAME).is_file()
    topics(sample, {**NOW, "WENZHENG_BASE": str(tmp_path / "off"), "WENZHENG_CACHE_DIR": ""})
    assert not (tmp_path / "off").exists()
    # A file where the folder should be: the build goes on without a cache and says so.
    (tmp_path / "blocked").write_text("not a folder")
    segmented.clear()
    with caplog.at_level(logging.WARNING, logger="wenzheng_bridge.caseview"):
        found = topics(sample, {**NOW, "WENZHENG_BASE": str(tmp_path), "WENZHENG_CACHE_DIR": "blocked"})
    assert shape(found) == shape(topics(sample, NOW))
    assert len(segmented) >= 2 * len(sample)
    assert any("主题词缓存" in r.getMessage() and "blocked" in r.getMessage() for r in caplog.records)


def test_many_new_texts_are_segmented_by_worker_processes_in_order(views, monkeypatch):
    from wenzheng_bridge.caseview import terms as terms_module
    from wenzheng_bridge.caseview.termcache import TermCache

    monkeypatch.setattr(terms_module, "PARALLEL_MIN", 100)
    monkeypatch.setattr(terms_module, "_BATCH", 50)
    items = [(c.key, c.score, c.petition.title, c.petition.body[:160]) for c in views]
    with TermStream(TermCache(None), workers=2) as stream:
        streamed = list(stream.digests(items))
        assert stream._pool is not None  # the later batches went to the workers
        stream.wait()
        words = [stream.words(digest) for _, _, digest in streamed]
    assert [key for key, _, _ in streamed] == [c.key for c in views]
    assert words == [terms_module.terms(t, b, 160) for _, _, t, b in items]
    # A whole topics() run through the workers finds what a single process finds.
    parallel = topics(views, {**NOW, "WENZHENG_WORKERS": 2})
    assert shape(parallel) == shape(topics(views, {**NOW, "WENZHENG_WORKERS": 1}))
