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

import logging
import re
from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

import jieba
import numpy as np

from . import grouping
from .grouping import Matrix
from .model import Case
from .settings import DEFAULT_TOPICS, merged
from .termcache import TermCache, cache_path, text_key

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


def cached_terms(petition, body_chars: int, cache: TermCache) -> list[str]:
    """``terms`` of a petition, segmented only when this exact text is not in the cache."""
    start = petition.body[:body_chars]
    key = text_key(petition.title, start)
    found = cache.get(key)
    if found is None:
        found = terms(petition.title, start, body_chars)
        cache.put(key, found)
    return found


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


def topics(cases_iterable: Iterable[Case], settings: dict) -> list[Topic]:
    """Group petitions about the same place or problem; topics hottest first."""
    options = merged(settings, "WENZHENG_TOPICS", DEFAULT_TOPICS)
    corpus = _Corpus()
    cache = TermCache(cache_path(settings))
    try:
        for case in cases_iterable:
            corpus.add(case.key, case.score, cached_terms(case.petition, int(options["body_chars"]), cache))
    finally:
        cache.close()
    if not corpus.keys:
        return []
    matrix = _matrix(corpus)
    groups = grouping.groups(matrix, options)
    return _topics(groups, matrix, corpus, options)


def _matrix(corpus: _Corpus) -> Matrix:
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
    return Matrix(indptr, indices, weights, df)


def _topics(groups: list[np.ndarray], matrix: Matrix, corpus: _Corpus, options: dict) -> list[Topic]:
    result = []
    scores = np.frombuffer(corpus.scores, dtype=np.float64)
    for members in groups:
        label_terms = _label(members, matrix, corpus, int(options["label_terms"]))
        heat = round(len(members) + float(scores[members].sum()), 4)
        keys = [corpus.keys[m] for m in sorted(members.tolist(), reverse=True)]  # the store yields oldest first
        result.append(Topic(id="", label="·".join(label_terms), members=keys, heat=heat, terms=label_terms))
    result.sort(key=lambda t: (-t.heat, -len(t.members), t.label))
    for number, topic in enumerate(result, start=1):
        topic.id = f"t{number:04d}"
    return result


def _label(members: list[int], matrix: Matrix, corpus: _Corpus, count: int) -> list[str]:
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
