"""Hot topics: petitions about the same place or problem, grouped.

Method (DESIGN.md, "Trending and hot topics"):

1. Terms: jieba words of the title (counted twice) and the start of the
   body, without stop words and without coarse place codes ("A5区"); names
   jieba splits into single characters ("魅力/之/城") are joined back.
2. Weights: TF-IDF (sublinear tf), each petition a unit vector.
3. Candidates, not all pairs: an inverted index of each petition's strongest
   terms; terms shared by more than ``max_posting`` petitions find no
   candidates, and each petition scores only the ``candidates`` others that
   share most strong terms with it. The work grows with n, not n².
4. Links: cosine >= ``threshold``; groups are the connected components
   (union-find); a group of at least ``min_size`` petitions is a topic. A
   component above ``max_size`` (single links chain loosely related
   petitions at scale) is split again with the threshold raised by
   ``split_step``, until its parts are small enough.
5. Label: the terms most members share, weighted by rarity; heat: the
   members' count plus their trending scores.
"""
from __future__ import annotations

import logging
import re
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

import jieba
import numpy as np

from .model import Case
from .settings import DEFAULT_TOPICS, merged

jieba.setLogLevel(logging.WARNING)

# Words that say nothing about the place or the problem in a petition.
STOPWORDS = frozenset("""
问题 反映 领导 您好 你好 尊敬 希望 请问 情况 政府 相关 部门 我们 你们 他们 没有 现在 一个 进行 什么
为什么 怎么 可以 已经 这个 那个 这些 这样 还是 但是 因为 所以 如果 就是 不是 目前 要求 能否 是否 请求
关于 对于 以及 或者 而且 并且 自己 大家 非常 严重 多次 一直 今年 去年 时候 期间 之前 以后 一下 如何
处理 解决 有关 咨询 建议 投诉 举报 诉求 市民 居民 群众 百姓 老百姓 网友 本人 谢谢 感谢 麻烦 帮助
""".split())
# Single characters that end a name rather than belong to it ("之" belongs: 魅力之城).
_SEPARATORS = frozenset("的了在是和与及或把被给向对从到也都就还又很才这那其个")
_CJK = re.compile(r"^[\u4e00-\u9fa5]+$")


@dataclass
class Topic:
    id: str
    label: str  # the place or problem in a few characters
    members: list[str]  # case keys, most recent first
    heat: float
    terms: list[str] = field(default_factory=list)  # the label's terms, strongest first


def terms(title: str, body: str, body_chars: int) -> list[str]:
    """Topic terms of one petition (the title's twice: it names the subject)."""
    words = _words(title)
    return words + words + _words(body[:body_chars])


def _words(text: str) -> list[str]:
    tokens = [t for t in jieba.lcut(text, HMM=False) if t.strip()]
    result = [t for t in tokens if len(t) >= 2 and _CJK.match(t) and t not in STOPWORDS]
    result += _rejoined(tokens)
    return result


def _rejoined(tokens: list[str]) -> list[str]:
    """Names jieba split into single characters, joined back ("魅力"+"之"+"城" -> "魅力之城").

    A run of single characters is glued to the word before it; 3 to 6
    characters make a plausible name ("夜宵摊", "魅力之城").
    """
    joined, previous, run = [], "", []
    for token in tokens + [""]:
        if len(token) == 1 and _CJK.match(token) and token not in _SEPARATORS:
            run.append(token)
            continue
        if run and previous and _CJK.match(previous):
            name = previous + "".join(run)
            if 3 <= len(name) <= 6:
                joined.append(name)
        previous, run = token, []
    return joined


class _Corpus:
    """Term counts of every petition as one compact sparse matrix (CSR rows)."""

    def __init__(self):
        self.vocabulary: dict[str, int] = {}
        self.words: list[str] = []
        self.df = array("I")
        self.keys: list[str] = []
        self.scores = array("d")
        self.indptr = array("q", [0])
        self.indices = array("I")
        self.counts = array("H")

    def add(self, key: str, score: float, words: list[str]) -> None:
        counts = Counter(self._id(w) for w in words)
        for term in sorted(counts):
            self.indices.append(term)
            self.counts.append(min(counts[term], 65535))
            self.df[term] += 1
        self.indptr.append(len(self.indices))
        self.keys.append(key)
        self.scores.append(score)

    def _id(self, word: str) -> int:
        term = self.vocabulary.get(word)
        if term is None:
            term = self.vocabulary[word] = len(self.words)
            self.words.append(word)
            self.df.append(0)
        return term


@dataclass
class _Matrix:
    """Unit TF-IDF rows: row i's terms are indices[indptr[i]:indptr[i + 1]]."""

    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray
    df: np.ndarray

    def row(self, doc: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = self.indptr[doc], self.indptr[doc + 1]
        return self.indices[lo:hi], self.weights[lo:hi]


def topics(cases_iterable: Iterable[Case], settings: dict) -> list[Topic]:
    """Group petitions about the same place or problem; topics hottest first."""
    options = merged(settings, "WENZHENG_TOPICS", DEFAULT_TOPICS)
    corpus = _Corpus()
    for case in cases_iterable:
        p = case.petition
        corpus.add(case.key, case.score, terms(p.title, p.body, int(options["body_chars"])))
    if not corpus.keys:
        return []
    matrix = _matrix(corpus)
    groups = _groups(matrix, options)
    return _topics(groups, matrix, corpus, options)


def _matrix(corpus: _Corpus) -> _Matrix:
    """TF-IDF with sublinear tf, idf = ln((1 + n) / (1 + df)) + 1, rows scaled to unit length."""
    n = len(corpus.keys)
    indptr = np.frombuffer(corpus.indptr, dtype=np.int64).copy()
    indices = np.frombuffer(corpus.indices, dtype=np.uint32).astype(np.int64)
    counts = np.frombuffer(corpus.counts, dtype=np.uint16).astype(np.float32)
    df = np.frombuffer(corpus.df, dtype=np.uint32).copy()
    idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
    weights = (1 + np.log(counts)) * idf[indices]
    rows = np.repeat(np.arange(n), np.diff(indptr))
    norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=n)).astype(np.float32)
    norms[norms == 0] = 1
    weights /= norms[rows]
    return _Matrix(indptr, indices, weights, df)


def _postings(matrix: _Matrix, k: int, max_posting: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each row's k strongest terms, and for each such term the rows that have it.

    Returns (row_ptr, row_terms, term_ptr, term_rows), both CSR-shaped.
    """
    n = len(matrix.indptr) - 1
    rows = np.repeat(np.arange(n), np.diff(matrix.indptr))
    order = np.lexsort((-matrix.weights, rows))  # by row, strongest first
    rank = np.arange(order.size) - matrix.indptr[rows[order]]
    keep = order[(rank < k) & (matrix.df[matrix.indices[order]] <= max_posting)]
    strong_rows, strong_terms = rows[keep], matrix.indices[keep]
    row_ptr = np.concatenate(([0], np.cumsum(np.bincount(strong_rows, minlength=n))))
    by_term = np.lexsort((strong_rows, strong_terms))
    vocabulary = len(matrix.df)
    term_ptr = np.concatenate(([0], np.cumsum(np.bincount(strong_terms, minlength=vocabulary))))
    return row_ptr, strong_terms, term_ptr, strong_rows[by_term]


class _Linker:
    """Links petitions whose cosine reaches a threshold, among all rows or a subset."""

    def __init__(self, matrix: _Matrix, options: dict):
        self.matrix = matrix
        self.n = len(matrix.indptr) - 1
        self.row_ptr, self.row_terms, self.term_ptr, self.term_rows = _postings(
            matrix, int(options["top_terms"]), int(options["max_posting"]))
        self.limit = int(options["candidates"])
        self.dense = np.zeros(len(matrix.df), dtype=np.float32)

    def components(self, docs: list[int], threshold: float) -> list[list[int]]:
        """Connected components of ``docs`` under links of cosine >= threshold."""
        inside = np.zeros(self.n, dtype=bool)
        inside[docs] = True
        parent = {doc: doc for doc in docs}
        for doc in docs:
            for other in self._neighbours(doc, inside, threshold):
                _union(parent, doc, int(other))
        groups: dict[int, list[int]] = defaultdict(list)
        for doc in docs:
            groups[_find(parent, doc)].append(doc)
        return list(groups.values())

    def _neighbours(self, doc: int, inside: np.ndarray, threshold: float) -> np.ndarray:
        mine = self.row_terms[self.row_ptr[doc]:self.row_ptr[doc + 1]]
        if not mine.size:
            return mine
        found = np.concatenate([self.term_rows[self.term_ptr[t]:self.term_ptr[t + 1]] for t in mine])
        found = found[(found > doc) & inside[found]]  # each pair is scored once, from its earlier row
        if not found.size:
            return found
        others, shared = np.unique(found, return_counts=True)
        if others.size > self.limit:
            others = others[np.argsort(-shared, kind="stable")[:self.limit]]
        return others[_cosines(self.matrix, doc, others, self.dense) >= threshold]


def _groups(matrix: _Matrix, options: dict) -> list[list[int]]:
    """Components at the threshold; one larger than ``max_size`` is a chain of loosely
    related petitions, so it is split again at a threshold raised by ``split_step``."""
    linker = _Linker(matrix, options)
    min_size, max_size, step = int(options["min_size"]), int(options["max_size"]), options["split_step"]
    pending = [(group, options["threshold"]) for group in linker.components(list(range(linker.n)), options["threshold"])]
    done = []
    while pending:
        group, threshold = pending.pop()
        if len(group) < min_size:
            continue
        if len(group) <= max_size or threshold + step > 1 or step <= 0:
            done.append(group)
            continue
        pending += [(sub, threshold + step) for sub in linker.components(group, threshold + step)]
    return done


def _cosines(matrix: _Matrix, doc: int, others: np.ndarray, dense: np.ndarray) -> np.ndarray:
    """Cosine of row ``doc`` with each of ``others`` (rows are unit vectors: dot products)."""
    ids, weights = matrix.row(doc)
    dense[ids] = weights
    starts = matrix.indptr[others]
    lengths = matrix.indptr[others + 1] - starts
    offsets = np.cumsum(lengths) - lengths
    positions = np.arange(lengths.sum()) - np.repeat(offsets, lengths) + np.repeat(starts, lengths)
    products = dense[matrix.indices[positions]] * matrix.weights[positions]
    dense[ids] = 0
    return np.add.reduceat(products, offsets)


def _find(parent: dict[int, int], x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _union(parent: dict[int, int], a: int, b: int) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)


def _topics(groups, matrix: _Matrix, corpus: _Corpus, options: dict) -> list[Topic]:
    result = []
    for members in groups:
        label_terms = _label(members, matrix, corpus, int(options["label_terms"]))
        heat = round(len(members) + sum(corpus.scores[m] for m in members), 4)
        members = sorted(members, key=lambda m: -m)  # the store yields oldest first: newest first here
        keys = [corpus.keys[m] for m in members]
        result.append(Topic(id="", label="·".join(label_terms), members=keys, heat=heat, terms=label_terms))
    result.sort(key=lambda t: (-t.heat, -len(t.members), t.label))
    for number, topic in enumerate(result, start=1):
        topic.id = f"t{number:04d}"
    return result


def _label(members: list[int], matrix: _Matrix, corpus: _Corpus, count: int) -> list[str]:
    """Terms most members share, the rarer the better; no term inside another."""
    weight: Counter = Counter()
    for m in members:
        ids, weights = matrix.row(m)
        for term, w in zip(ids.tolist(), weights.tolist()):
            weight[term] += w
    chosen: list[str] = []
    for term, _ in weight.most_common():
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
