"""Topic terms of a petition: jieba words, cached, segmented on every core when many are new.

``terms(title, body, body_chars)`` is the whole method (words of the title
twice, then of the start of the body; stop words and coarse place codes out;
single characters jieba split off a name joined back). ``TermStream`` turns a
stream of petitions into a stream of their terms, in the same order: texts
already in the term cache (``termcache.py``) are not segmented again; when
many texts are new (a first build), batches of them are segmented by forked
worker processes while the build goes on producing cases in this one.
"""
from __future__ import annotations

import gc
import hashlib
import multiprocessing
import re
from collections import deque
from typing import Iterable, Iterator

import rjieba

from ..forking import can_fork
from .termcache import TermCache, text_key

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




def terms(title: str, body: str, body_chars: int) -> list[str]:
    """Topic terms of one petition (the title's twice: it names the subject)."""
    words = _words(title)
    return words + words + _words(body[:body_chars])


def _words(text: str) -> list[str]:
    tokens = [t for t in segment(text) if t.strip()]
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


def segment(text: str) -> list[str]:
    """jieba's precise mode without HMM, as jieba-rs (``rjieba``) does it.

    The same words as jieba's own Python code (3,000 of 3,000 bench texts
    compared) in a twentieth of the time: 0.03 ms instead of 0.6 ms a petition,
    which was the largest single cost of a first build's cases.
    """
    return rjieba.cut(text, hmm=False)


def load_segmenter() -> None:
    """Load the dictionary now (a process about to fork workers, so they share it)."""
    segment("预热")


_BATCH = 500  # petitions handed to a worker at once
PARALLEL_MIN = 2000  # texts to segment before worker processes pay for themselves


def _segment_many(texts: list[tuple[str, str]]) -> list[list[str]]:
    """In a worker: the terms of each (title, start of body)."""
    return [terms(title, start, len(start)) for title, start in texts]


class TermStream:
    """Text digests of a stream of petitions now; their terms later, only if they are needed.

    ``digests`` reads (key, score, title, start of body) and yields (key, score,
    digest) at once; texts not in the cache are segmented on the way (here
    until ``PARALLEL_MIN`` of them have been seen; after that, if more than one
    worker is allowed, in batches by a pool forked at that moment, with the
    garbage collector's objects frozen first so the workers do not copy the
    build's heap by touching it). ``words(digest)`` gives a text's terms after
    ``wait``: a rebuild whose grouping is cached never asks for them.
    """

    def __init__(self, cache: TermCache, workers: int):
        self.cache, self.workers = cache, workers
        self.segmented = 0
        self.inputs = hashlib.blake2b(digest_size=16)  # every key and text digest streamed, in order
        self._known = cache.digests()
        self._fresh: dict[bytes, str] = {}  # terms segmented in this run, space-joined
        self._waiting: deque = deque()
        self._pool = None

    def __enter__(self) -> "TermStream":
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.terminate() if exc[0] else self._pool.close()
            self._pool.join()
            self._pool = None
            gc.unfreeze()

    def digests(self, items: Iterable[tuple[str, float, str, str]]) -> Iterator[tuple[str, float, bytes]]:
        batch: list[tuple[bytes, tuple[str, str]]] = []
        for key, score, title, start in items:
            digest = text_key(title, start)
            self.inputs.update(key.encode("utf-8") + b"\0" + digest)
            self.cache.touch(digest)
            if digest not in self._known:
                self._known.add(digest)  # a second copy of the text waits for the first
                batch.append((digest, (title, start)))
                if len(batch) >= _BATCH:
                    self._submit(batch)
                    batch = []
            yield key, score, digest
        if batch:
            self._submit(batch)

    def segmented_elsewhere(self, items: Iterable[tuple[str, float, bytes, list[str] | None]]
                            ) -> Iterator[tuple[str, float, bytes]]:
        """Like ``digests`` for texts digested (and segmented when new) by another process.

        ``items``: (key, score, text digest, terms, or None when the digest was in the cache).
        """
        for key, score, digest, words in items:
            self.inputs.update(key.encode("utf-8") + b"\0" + digest)
            self.cache.touch(digest)
            if words is not None and digest not in self._fresh:
                self._known.add(digest)
                self.segmented += 1
                self._fresh[digest] = " ".join(words)
                self.cache.put(digest, words)
            yield key, score, digest

    def wait(self) -> None:
        """Collect every batch still with the workers."""
        while self._waiting:
            self._store(*self._waiting.popleft())

    def words(self, digest: bytes) -> list[str]:
        joined = self._fresh.get(digest)
        if joined is None:
            return self.cache.get(digest) or []
        return joined.split(" ") if joined else []

    def _submit(self, batch: list[tuple[bytes, tuple[str, str]]]) -> None:
        digests, texts = [d for d, _ in batch], [t for _, t in batch]
        self.segmented += len(texts)
        if self._parallel():
            self._waiting.append((digests, self._pool.apply_async(_segment_many, (texts,))))
            while len(self._waiting) > 2 * self.workers:  # bounded: the stream waits for the workers
                self._store(*self._waiting.popleft())
        else:
            self._store(digests, _segment_many(texts))

    def _parallel(self) -> bool:
        if self._pool is None and self.workers > 1 and self.segmented >= PARALLEL_MIN \
                and can_fork():
            load_segmenter()  # once, here: the workers inherit the dictionary
            gc.freeze()
            self._pool = multiprocessing.get_context("fork").Pool(self.workers)
        return self._pool is not None

    def _store(self, digests: list[bytes], done) -> None:
        for digest, found in zip(digests, done if isinstance(done, list) else done.get()):
            # Terms are runs of CJK characters: a space never occurs inside one.
            self._fresh[digest] = " ".join(found)
            self.cache.put(digest, found)
