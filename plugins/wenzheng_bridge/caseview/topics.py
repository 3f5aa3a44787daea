"""Hot topics: petitions about the same place or problem, grouped.

Method (DESIGN.md, "Trending and hot topics"):

1. Terms: jieba words of the title (counted twice) and the start of the
   body, without stop words and without coarse place codes ("A5区"); names
   jieba splits into single characters ("魅力/之/城") are joined back. Each
   text's terms are cached on disk (``termcache.py``), so a rebuild segments
   only new or edited petitions.
2. Weights: TF-IDF (sublinear tf), each petition a unit vector.
3. Candidates, not all pairs: an inverted index of each petition's strongest
   terms; terms shared by more than ``max_posting`` petitions find no
   candidates, and each petition scores only the ``candidates`` others that
   share most strong terms with it. The work grows with n, not n².
4. Links: cosine >= ``threshold``; groups are the connected components; a
   group of at least ``min_size`` petitions is a topic. A component above
   ``max_size`` (single links chain loosely related petitions at scale) is
   split again with the threshold raised by ``split_step``, until its parts
   are small enough. Steps 3-4 are whole-array work: ``grouping.py``.
5. Label: the terms most members share, weighted by rarity; heat: the
   members' count plus their trending scores.
"""
from __future__ import annotations

import hashlib
import json
from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from ..forking import can_fork, pool, worker_count
from . import grouping
from .grouping import Matrix
from .model import Case
from .settings import DEFAULT_TOPICS, merged
from .termcache import TermCache, cache_path, text_key
from .terms import TermStream, terms  # noqa: F401 (terms: the method, imported from here)


@dataclass
class Topic:
    id: str
    label: str  # the place or problem in a few characters
    members: list[str]  # case keys, most recent first
    heat: float
    terms: list[str] = field(default_factory=list)  # the label's terms, strongest first


class _Corpus:
    """Term counts of every petition as one compact sparse matrix (CSR rows, terms unordered)."""

    def __init__(self):
        self.vocabulary: dict[str, int] = {}
        self.words: list[str] = []
        self.keys: list[str] = []
        self.scores = array("d")
        self.indptr = array("q", [0])
        self.indices = array("I")
        self.counts = array("H")

    def add(self, key: str, score: float, words: list[str]) -> None:
        counts = Counter(words)  # counting strings is done in C; ids are looked up once per distinct word
        ids = [self.vocabulary.get(word) for word in counts]
        if None in ids:
            ids = [self._id(word) for word in counts]
        self.indices.extend(ids)
        self.counts.extend([min(count, 65535) for count in counts.values()])
        self.indptr.append(len(self.indices))
        self.keys.append(key)
        self.scores.append(score)

    def _id(self, word: str) -> int:
        term = self.vocabulary.get(word)
        if term is None:
            term = self.vocabulary[word] = len(self.words)
            self.words.append(word)
        return term


def topics(cases_iterable: Iterable[Case], settings: dict) -> list[Topic]:
    """Group petitions about the same place or problem; topics hottest first."""
    body_chars = body_length(settings)
    texts = ((c.key, c.score, c.petition.title, c.petition.body[:body_chars]) for c in cases_iterable)
    return _topics_of(settings, lambda stream: stream.digests(texts))


def topics_of_terms(items: Iterable[tuple[str, float, bytes, list[str] | None]], settings: dict) -> list[Topic]:
    """``topics`` from (key, score, text digest, terms or None if cached) made by other processes.

    The site's parallel pass builds cases in workers, which digest and segment
    the texts there (``text_terms``); this process only groups.
    """
    return _topics_of(settings, lambda stream: stream.segmented_elsewhere(items))


def body_length(settings: dict) -> int:
    """Characters of the body the terms are read from."""
    return int(merged(settings, "WENZHENG_TOPICS", DEFAULT_TOPICS)["body_chars"])


def text_terms(case: Case, body_chars: int, known: set[bytes]) -> tuple[str, float, bytes, list[str] | None]:
    """One case's item for ``topics_of_terms``: its text digest, and its terms unless ``known``."""
    title, start = case.petition.title, case.petition.body[:body_chars]
    digest = text_key(title, start)
    return case.key, case.score, digest, None if digest in known else terms(title, start, len(start))


def _topics_of(settings: dict, feed) -> list[Topic]:
    options = merged(settings, "WENZHENG_TOPICS", DEFAULT_TOPICS)
    keys, scores, digests = [], array("d"), []
    cache = TermCache(cache_path(settings))
    try:
        with TermStream(cache, worker_count(settings)) as stream:
            for key, score, digest in feed(stream):
                keys.append(key)
                scores.append(score)
                digests.append(digest)
            stream.wait()
            if not keys:
                return []
            inputs = hashlib.blake2b(stream.inputs.digest() + grouping.VERSION.encode()
                                     + json.dumps(options, sort_keys=True).encode(), digest_size=16).digest()
            found = cache.get_grouping(inputs)
            if found is None:  # a text changed (or a first build): group from the terms
                corpus = _Corpus()
                for key, score, digest in zip(keys, scores, digests):
                    corpus.add(key, score, stream.words(digest))
                found = _grouped_apart(corpus, options)
                cache.put_grouping(inputs, found)
    finally:
        cache.close()
    return _topics(found, keys, np.frombuffer(scores, dtype=np.float64))


#: Petitions above which the grouping runs in a process of its own.
APART_MIN = 20_000


def _grouped_apart(corpus: _Corpus, options: dict) -> list[tuple[list[int], list[str]]]:
    """``_grouped`` in a forked process when the corpus is large.

    Its whole-array steps need a few hundred MB at 100,000 petitions for a few
    seconds; in a child that memory goes back to the system when it ends,
    instead of staying in the build's heap for the rest of the build.
    """
    if len(corpus.keys) < APART_MIN or not can_fork():
        return _grouped(corpus, options)
    _APART.append((corpus, options))
    try:
        with pool(1) as forked:
            return forked.apply(_grouped_inherited)
    finally:
        _APART.clear()


_APART: list = []  # the corpus a forked grouping process reads (set just before forking)


def _grouped_inherited() -> list[tuple[list[int], list[str]]]:
    return _grouped(*_APART[0])


def _grouped(corpus: _Corpus, options: dict) -> list[tuple[list[int], list[str]]]:
    """(member rows, label terms) of each group: the part of ``topics`` that does not change with "now"."""
    matrix = _matrix(corpus)
    count = int(options["label_terms"])
    return [(members.tolist(), _label(members, matrix, corpus, count)) for members in grouping.groups(matrix, options)]


def _matrix(corpus: _Corpus) -> Matrix:
    """TF-IDF with sublinear tf, idf = ln((1 + n) / (1 + df)) + 1, rows scaled to unit length."""
    n = len(corpus.keys)
    indptr = np.frombuffer(corpus.indptr, dtype=np.int64).copy()
    rows = np.repeat(np.arange(n), np.diff(indptr))
    indices = np.frombuffer(corpus.indices, dtype=np.uint32).astype(np.int64)
    by_term = np.lexsort((indices, rows))  # each row's terms in vocabulary order: ties break the same way
    indices = indices[by_term]
    counts = np.frombuffer(corpus.counts, dtype=np.uint16)[by_term].astype(np.float32)
    df = np.bincount(indices, minlength=len(corpus.words)).astype(np.uint32)
    idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
    weights = (1 + np.log(counts)) * idf[indices]
    norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=n)).astype(np.float32)
    norms[norms == 0] = 1
    weights /= norms[rows]
    return Matrix(indptr, indices, weights, df)


def _topics(found: list, keys: list[str], scores: np.ndarray) -> list[Topic]:
    """Topics with this build's heat (scores decay with "now"), hottest first."""
    result = []
    for members, label_terms in found:
        heat = round(len(members) + float(scores[members].sum()), 4)
        member_keys = [keys[m] for m in sorted(members, reverse=True)]  # the store yields oldest first
        result.append(Topic(id="", label="·".join(label_terms), members=member_keys, heat=heat, terms=label_terms))
    result.sort(key=lambda t: (-t.heat, -len(t.members), t.label))
    for number, topic in enumerate(result, start=1):
        topic.id = f"t{number:04d}"
    return result


def _label(members: np.ndarray, matrix: Matrix, corpus: _Corpus, count: int) -> list[str]:
    """Terms most members share, the rarer the better; no term inside another.

    Weights are summed over the members' rows in row order; equal sums keep the
    order in which the terms first occur.
    """
    positions = grouping.ranges(matrix.indptr[members], matrix.indptr[members + 1])
    terms_seen, first, inverse = np.unique(matrix.indices[positions], return_index=True, return_inverse=True)
    weight = np.bincount(inverse, weights=matrix.weights[positions])
    chosen: list[str] = []
    for term in terms_seen[np.lexsort((first, -weight))].tolist():
        word = corpus.words[term]
        if any(word in c or c in word for c in chosen):
            continue
        chosen.append(word)
        if len(chosen) == count:
            break
    return chosen


def assign_topics(cases_list: Iterable[Case], found: list[Topic]) -> None:
    """Set ``Case.topic`` on the cases a caller kept (``topics`` only sees a stream)."""
    topic_of = {key: topic.id for topic in found for key in topic.members}
    for case in cases_list:
        case.topic = topic_of.get(case.key, "")
