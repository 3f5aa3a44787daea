"""Hot topics: petitions about the same place or problem, grouped.

Method (DESIGN.md, "Trending and hot topics"):

1. Terms: jieba words of the title (counted twice) and the start of the
   body, without stop words (politeness, the request itself: 请加快, 建议,
   希望, 问题, 反映…) and legal forms (有限公司); near-synonyms of petition
   language read as one word (老年人/老人家 -> 老人, 老师 -> 教师, 哄骗/坑骗 ->
   欺骗; 代课老师 -> 代课 + 教师 as well); names jieba splits into
   single characters ("魅力/之/城") are joined back, letters and digits keep
   the Chinese after them (58同城, A3区, K9县, 3号线) unless it makes a date
   or an amount (2018年, 22元), and a name with the word that closes it is a
   term too (魅力之城小区, 经济学院). Each text's terms are cached on disk
   (``termcache.py``), so a rebuild segments only new or edited petitions.
2. Weights: TF-IDF (sublinear tf), each distinct text a unit vector (copies
   of one post are one row, and a topic gets every copy back). Anchors: the
   terms specific enough to make a topic, those in at most
   ``max(anchor_min, anchor_share × n)`` petitions (and ``max_posting`` at
   most) that are not a whole city, district or county code.
3. Candidates, not all pairs: an inverted index of each petition's strongest
   anchor terms that another petition has too; each petition scores only the ``candidates`` others that
   share most of them. Two petitions that share no anchor are never linked,
   however many generic words they share. The work grows with n, not n².
4. Links: cosine >= ``threshold``; groups are the connected components; a
   group of at least ``min_size`` petitions is a topic. A component above
   ``max_size`` (single links chain loosely related petitions at scale) is
   split into its dense communities, which keeps tight clusters inside it
   whole. A group whose majority names one place or organisation keeps only
   the petitions that name it (the others, linked in through the issue
   alone, are a group of their own if enough), and is joined by the
   petitions in no group that name it too. Groups whose centroids are close
   (``merge``) are joined first: one story worded many ways comes out of the
   dense-community step in pieces. Steps 3-4 are whole-array work:
   ``grouping.py``.
5. Label: the name most of its petitions share (an estate, company, school
   or road: a name-closing term or a letters-and-Chinese name in more than
   half of them, not a dictionary word such as 菜市场; the longest such name
   holding the most shared one) and the issue (the most widely shared specific term, with
   the next one when they stand side by side): "魅力之城小区 · 油烟扰民". Each
   part is completed by the characters jieba could not place that most of
   its titles write beside it (景园滨河 -> 伊景园滨河苑; ``labels.as_written``).
6. Heat: the members' count, plus their trending scores, plus
   ``engagement_weight × log2(1 + engagement)``, where engagement sums
   likes + dislikes + 2 × replies + views / 100 over the members: a topic
   residents push up rises, without one viral post outweighing every
   other signal (doubling the engagement adds ``engagement_weight``).
"""
from __future__ import annotations

import hashlib
import json
import math
from array import array
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterable, cast

import numpy as np

from ..forking import can_fork, pool, worker_count
from . import grouping
from .grouping import Matrix
from .model import Case
from .settings import CaseviewSettings
from .termcache import TermCache, cache_path, text_key
from .labels import coarse, is_name, label_of, label_terms
from .terms import TermStream, general, is_pair, terms  # noqa: F401 (terms: the method, imported from here)


@dataclass
class Topic:
    id: str
    label: str  # the name and the issue: "魅力之城小区 · 油烟扰民"
    members: list[str]  # case keys, most recent first
    heat: float
    terms: list[str] = field(default_factory=list)  # the label's terms: the name (if any), then the issue
    engagement: float = 0  # likes + dislikes + 2 × replies + views / 100 over the members

    @property
    def size(self) -> int:
        """The one count of the topic every page and the budget show."""
        return len(self.members)


class _Corpus:
    """Term counts of every distinct text as one compact sparse matrix (CSR rows, terms unordered).

    Copies of one post (a resident sending it again, a source listing it
    twice) are one row: they say nothing more about what posts share, and as
    rows they would make a "topic" of their own and weigh in idf. Each
    petition is a key; ``members`` gives back every key of a set of rows.
    """

    def __init__(self):
        self.vocabulary: dict[str, int] = {}
        self.words: list[str] = []
        self.indptr = array("q", [0])
        self.indices = array("I")
        self.counts = array("H")
        self.row_of_key = array("I")
        self._rows: dict[bytes, int] = {}
        self._by_row: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def rows(self) -> int:
        return len(self._rows)

    @cached_property
    def coarse(self) -> np.ndarray:
        """Per term: a whole province, city, district or county (``labels.coarse``), once all texts are in."""
        return np.array([coarse(word) for word in self.words], dtype=bool)

    def add(self, text: bytes, words_of: Callable[[bytes], list[str]]) -> None:
        """One petition, by its text's digest; ``words_of`` is asked only for a text not seen before."""
        row = self._rows.get(text)
        if row is None:
            row = self._rows[text] = len(self._rows)
            self._count(words_of(text))
        self.row_of_key.append(row)

    def members(self, rows: list[int]) -> list[int]:
        """Every key (in order) whose text is one of the rows."""
        if self._by_row is None:
            text = np.frombuffer(self.row_of_key, dtype=np.uint32)
            order = np.argsort(text, kind="stable")
            self._by_row = order, np.searchsorted(text[order], np.arange(self.rows + 1))
        order, starts = self._by_row
        picked = np.asarray(rows, dtype=np.int64)
        return np.sort(order[grouping.ranges(starts[picked], starts[picked + 1])]).tolist()

    def _count(self, words: list[str]) -> None:
        counts = Counter(words)  # counting strings is done in C; ids are looked up once per distinct word
        known = [self.vocabulary.get(word) for word in counts]
        ids = [self._id(word) for word in counts] if None in known else cast("list[int]", known)
        self.indices.extend(ids)
        self.counts.extend([min(count, 65535) for count in counts.values()])
        self.indptr.append(len(self.indices))

    def _id(self, word: str) -> int:
        term = self.vocabulary.get(word)
        if term is None:
            term = self.vocabulary[word] = len(self.words)
            self.words.append(word)
        return term


def topics(cases_iterable: Iterable[Case], settings: dict) -> list[Topic]:
    """Group petitions about the same place or problem; topics hottest first."""
    body_chars = body_length(settings)
    engagement, titles = array("d"), []

    def texts():
        for c in cases_iterable:
            engagement.append(case_engagement(c))
            titles.append(c.petition.title)
            yield c.key, c.score, c.petition.title, c.petition.body[:body_chars]

    return _topics_of(settings, lambda stream: stream.digests(texts()), engagement, titles)


def topics_of_terms(items: Iterable[tuple[str, float, bytes, list[str] | None, float, str]], settings: dict
                    ) -> list[Topic]:
    """``topics`` from (key, score, text digest, terms or None if cached, engagement, title) made elsewhere.

    The site's parallel pass builds cases in workers, which digest and segment
    the texts there (``text_terms``); this process only groups.
    """
    engagement, titles = array("d"), []

    def stripped():
        for key, score, digest, words, engaged, title in items:
            engagement.append(engaged)
            titles.append(title)
            yield key, score, digest, words

    return _topics_of(settings, lambda stream: stream.segmented_elsewhere(stripped()), engagement, titles)


def body_length(settings: dict) -> int:
    """Characters of the body the terms are read from."""
    return int(CaseviewSettings.of(settings).topics["body_chars"])


def case_engagement(case: Case) -> float:
    """What residents did with a petition: likes + dislikes + 2 × replies + views / 100."""
    p = case.petition
    return (p.likes or 0) + (p.dislikes or 0) + 2 * (p.reply_count or 0) + (p.views or 0) / 100


def text_terms(case: Case, body_chars: int, known: set[bytes]
               ) -> tuple[str, float, bytes, list[str] | None, float, str]:
    """One case's item for ``topics_of_terms``: its text digest, its terms unless ``known``, its engagement, its title."""
    title, start = case.petition.title, case.petition.body[:body_chars]
    digest = text_key(title, start)
    words = None if digest in known else terms(title, start, len(start))
    return case.key, case.score, digest, words, case_engagement(case), title


def _topics_of(settings: dict, feed, engagement: array, titles: list[str]) -> list[Topic]:
    options = CaseviewSettings.of(settings).topics
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
                for digest in digests:
                    corpus.add(digest, stream.words)
                df = dict(zip(corpus.words, _document_frequency(corpus).tolist()))
                # A label reads every petition, copies too: it names what the topic's page lists.
                found = [(members, label_terms([stream.words(digests[m]) for m in members], df, corpus.rows,
                                               [titles[m] for m in members]))
                         for members in map(corpus.members, _grouped_apart(corpus, options))]
                cache.put_grouping(inputs, found)
    finally:
        cache.close()
    return _topics(found, keys, np.frombuffer(scores, dtype=np.float64),
                   np.frombuffer(engagement, dtype=np.float64), float(options["engagement_weight"]))


#: Petitions above which the grouping runs in a process of its own.
APART_MIN = 20_000


def _grouped_apart(corpus: _Corpus, options: dict) -> list[list[int]]:
    """``_grouped`` in a forked process when the corpus is large.

    Its whole-array steps need a few hundred MB at 100,000 petitions for a few
    seconds; in a child that memory goes back to the system when it ends,
    instead of staying in the build's heap for the rest of the build.
    """
    if corpus.rows < APART_MIN or not can_fork():
        return _grouped(corpus, options)
    def group(_: None) -> list[list[int]]:
        return _grouped(corpus, options)

    # The child inherits the corpus through ``group``: nothing but the groups is pickled.
    with pool(1, group) as forked:
        return forked.apply(None)


def _grouped(corpus: _Corpus, options: dict) -> list[list[int]]:
    """Member rows of each group: the part of ``topics`` that does not change with "now"."""
    matrix = _matrix(corpus, options)
    named = matrix.anchor & np.array([is_name(word) for word in corpus.words], dtype=bool)
    specific = matrix.anchor.copy()
    specific[[t for t in np.flatnonzero(specific).tolist() if general(corpus.words[t])]] = False
    subject = ~corpus.coarse
    found = []
    for group in grouping.groups(matrix, options):
        for members, name in _by_name(group, matrix, named, int(options["min_size"])):
            if _anchored(members, matrix, specific, subject):
                found.append((members, name))
    joined = _joined(found, matrix, ~named, options)
    return [members.tolist() for members in _with_namesakes(joined, matrix, int(options["max_size"]))]


def _joined(found: list[tuple[np.ndarray, int]], matrix: Matrix, issue: np.ndarray, options: dict
            ) -> list[tuple[np.ndarray, int]]:
    """Groups of one story joined (``grouping.joined``), with the name of their named parts (they share one)."""
    return [(np.sort(np.concatenate([found[p][0] for p in parts])), name)
            for parts, name in grouping.joined([m for m, _ in found], [n for _, n in found], matrix, options, issue)]


def _with_namesakes(found: list[tuple[np.ndarray, int]], matrix: Matrix, max_size: int) -> list[np.ndarray]:
    """Named groups joined by the petitions in no group that name the same place or organisation.

    A petition about the estate that uses other words for the problem (噪音
    rather than 油烟) can miss the links; naming the estate is evidence enough.
    The oldest first, while the topic stays within ``max_size``.
    """
    assigned = np.zeros(matrix.rows, dtype=bool)
    for members, _ in found:
        assigned[members] = True
    names = np.array([name for _, name in found if name >= 0], dtype=np.int64)
    if not names.size:
        return [members for members, _ in found]
    rows = np.repeat(np.arange(matrix.rows), np.diff(matrix.indptr))
    hit = np.isin(matrix.indices, names) & ~assigned[rows]
    namesakes: dict[int, list[int]] = {}
    for term, row in zip(matrix.indices[hit].tolist(), rows[hit].tolist()):
        namesakes.setdefault(term, []).append(row)
    result = []
    for members, name in found:
        extra = [row for row in namesakes.get(name, []) if not assigned[row]] if name >= 0 else []
        extra = extra[:max(0, max_size - members.size)]
        assigned[extra] = True
        result.append(np.sort(np.concatenate((members, np.array(extra, dtype=members.dtype)))) if extra else members)
    return result


def _terms_of(members: np.ndarray, matrix: Matrix) -> tuple[np.ndarray, np.ndarray]:
    """(term, member row) of every term occurrence of the members."""
    positions, which = matrix.occurrences(members)
    return matrix.indices[positions], members[which]


def _by_name(members: np.ndarray, matrix: Matrix, named: np.ndarray, min_size: int
             ) -> list[tuple[np.ndarray, int]]:
    """(members, name term or -1): a group whose majority shares a name, split by naming it or not.

    Petitions about one estate or company name it; a petition linked in only
    through the issue (油烟 from another street) is another story. The others
    stay a group of their own when they are enough.
    """
    found, owner = _terms_of(members, matrix)
    candidates = found[named[found]]
    if not candidates.size:
        return [(members, -1)]
    counts = np.bincount(candidates)
    name = int(counts.argmax())
    if counts[name] * 2 <= members.size:
        return [(members, -1)]
    naming = np.isin(members, owner[found == name])
    parts = [(members[naming], name), (members[~naming], -1)]
    return [(part, term) for part, term in parts if part.size >= min_size]


#: Share of a topic's petitions that must have one specific term in common.
ANCHORED_SHARE = 0.6


def _anchored(members: np.ndarray, matrix: Matrix, specific: np.ndarray, subject: np.ndarray) -> bool:
    """Whether most members share what a reader would name: one specific term, or an everyday one with another.

    An everyday word alone (``terms.general``: 公园, 系统) is not a subject:
    posts about a park's lights, a park's opening date and a substation in a
    park share it. With another word the members share (not a whole city or
    county) it is: 教师 + 招聘, 购房 + 资格, 垃圾 + 分类.
    """
    found, owner = _terms_of(members, matrix)
    least = ANCHORED_SHARE * members.size
    term, holding = np.unique(found, return_counts=True)  # a row holds each of its terms once
    widely = term[holding >= least]
    if specific[widely].any():
        return True
    everyday, others = widely[matrix.anchor[widely]].tolist(), widely[subject[widely]].tolist()
    holders = {t: set(owner[found == t].tolist()) for t in set(everyday + others)}
    return any(len(holders[a] & holders[b]) >= least for a in everyday for b in others if a != b)


def _document_frequency(corpus: _Corpus) -> np.ndarray:
    indices = np.frombuffer(corpus.indices, dtype=np.uint32)
    return np.bincount(indices, minlength=len(corpus.words)).astype(np.uint32)


def _matrix(corpus: _Corpus, options: dict) -> Matrix:
    """TF-IDF with sublinear tf, idf = ln((1 + n) / (1 + df)) + 1, rows scaled to unit length."""
    n = corpus.rows
    indptr = np.frombuffer(corpus.indptr, dtype=np.int64).copy()
    rows = np.repeat(np.arange(n), np.diff(indptr))
    indices = np.frombuffer(corpus.indices, dtype=np.uint32).astype(np.int64)
    by_term = np.lexsort((indices, rows))  # each row's terms in vocabulary order: ties break the same way
    indices = indices[by_term]
    counts = np.frombuffer(corpus.counts, dtype=np.uint16)[by_term].astype(np.float32)
    df = _document_frequency(corpus)
    idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
    weights = (1 + np.log(counts)) * idf[indices]
    weights[_guessed_once(corpus, df)[indices]] = 0
    norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=n)).astype(np.float32)
    norms[norms == 0] = 1
    weights /= norms[rows]
    return Matrix(indptr, indices, weights, df, _anchors(corpus.coarse, df, n, options))


def _guessed_once(corpus: _Corpus, df: np.ndarray) -> np.ndarray:
    """Per term: a character pair (``terms.is_pair``) that only one text has.

    Such a pair links nothing and is most likely not a word (惠性, 市打), but
    with its high idf it would weigh down the petition's real terms.
    """
    pair = np.zeros(len(corpus.words), dtype=bool)
    pair[[i for i, word in enumerate(corpus.words) if is_pair(word)]] = True
    return pair & (df == 1)


def _anchors(broad: np.ndarray, df: np.ndarray, n: int, options: dict) -> np.ndarray:
    """Which terms may link two petitions: specific ones (rare enough, not a whole city or county: ``broad``)."""
    limit = min(int(options["max_posting"]), max(int(options["anchor_min"]), float(options["anchor_share"]) * n))
    return (df <= limit) & ~broad


def _topics(found: list, keys: list[str], scores: np.ndarray, engagement: np.ndarray,
            engagement_weight: float) -> list[Topic]:
    """Topics with this build's heat (scores decay with "now"), hottest first."""
    result = []
    for members, named in found:
        engaged = float(engagement[members].sum())
        heat = round(len(members) + float(scores[members].sum()) + engagement_weight * math.log2(1 + engaged), 4)
        member_keys = [keys[m] for m in sorted(members, reverse=True)]  # the store yields oldest first
        result.append(Topic(id="", label=label_of(named), members=member_keys, heat=heat,
                            terms=list(named), engagement=round(engaged, 2)))
    for topic in result:  # named for its first petition: the same topic keeps its page from build to build
        topic.id = "t-" + topic.members[-1]
    result.sort(key=lambda t: (-t.heat, -len(t.members), t.label))
    return result


def assign_topics(cases_list: Iterable[Case], found: list[Topic]) -> None:
    """Set ``Case.topic`` on the cases a caller kept (``topics`` only sees a stream)."""
    topic_of = {key: topic.id for topic in found for key in topic.members}
    for case in cases_list:
        case.topic = topic_of.get(case.key, "")
