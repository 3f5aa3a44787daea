"""Topic terms of a petition: jieba words, cached, segmented on every core when many are new.

``terms(title, body, body_chars)`` is the whole method (words of the title
twice, then of the start of the body; stop words, legal forms such as 有限公司
and coarse place codes out; near-synonyms read as one word (老年人 -> 老人,
老师 -> 教师); numbers only with the name they start, never as a
date or an amount such as 2018年 or 22元; single characters jieba split off a
name joined back). ``TermStream`` turns a
stream of petitions into a stream of their terms, in the same order: texts
already in the term cache (``termcache.py``) are not segmented again; when
many texts are new (a first build), batches of them are segmented by forked
worker processes while the build goes on producing cases in this one.
"""
from __future__ import annotations

import gc
import hashlib
import multiprocessing
import multiprocessing.pool
import re
from collections import deque
from typing import Iterable, Iterator

import rjieba

from ..forking import can_fork
from .termcache import TermCache, text_key
from .trending import PROVINCE

# Words that say nothing about the place or the problem in a petition: politeness, the
# request itself (请加快…, 建议, 希望) and the vocabulary of every complaint.
STOPWORDS = frozenset("""
问题 反映 领导 您好 你好 尊敬 希望 请问 情况 政府 相关 部门 我们 你们 他们 没有 现在 一个 进行 什么
为什么 怎么 可以 已经 这个 那个 这些 这样 还是 但是 因为 所以 如果 就是 不是 目前 要求 能否 是否 请求
关于 对于 以及 或者 而且 并且 自己 大家 非常 严重 多次 一直 今年 去年 时候 期间 之前 以后 一下 如何
处理 解决 有关 咨询 建议 投诉 举报 诉求 市民 居民 群众 百姓 老百姓 网友 本人 谢谢 感谢 麻烦 帮助
加快 尽快 加大 加强 呼吁 恳请 强烈 请求 何时 什么 怎么办 怎么回事 能不能 可不可以 应该 需要 不能 无法
得到 希望能 早日 尽早 力度 落实 重视 关注 及时 积极 合理 不合理 一些 几点 一点 有点 很多 太多 多年
有限公司 有限责任 有限责任公司 股份有限公司 股份 有限 分公司 责任公司
为何 有何 等到 过去 坚决 大力
县市 县县 市县 区县 哪些 哪里 多少 怎样 怎么样 是不是 有没有 至今 仍然 依然 导致 造成 影响 存在 出现 发生 提出 反应 回复 答复 说法 事宜 事项 工作 方面
""".split())
# Single characters that end a name rather than belong to it ("之" belongs: 魅力之城), particles and
# negations among them: 合法 + 吗 or 物业 + 不 is a question, not a name.
_SEPARATORS = frozenset("的了在是和与及或把被给向对从到也都就还又很才这那其个上下里中吗呢吧啊呀嘛哦不没未能该请却仍")
_CJK = re.compile(r"^[\u4e00-\u9fa5]+$")
# Letters and digits that belong to a name when Chinese follows (58同城, A3区, K9县, 3号线, 5G).
_LATIN = re.compile(r"^[A-Za-z0-9]+$")
PLACE_ENDS = frozenset("省市区县镇乡村")
# Characters after a bare number that make it a date, an amount or a count (2018年, 22元, 500台,
# 45岁), not part of a name (3号线, 58同城).
_UNITS = frozenset("年月日天周时点分秒元角块万千百亿岁个名位人次台辆套栋户间层楼米亩吨斤届级倍多余期代项条张件")
# Words that close a name: the word before them plus them is the name a reader knows
# (魅力之城 + 小区, 经济 + 学院, 劳动 + 东路).
SUFFIXES = frozenset("""
小区 花园 家园 公寓 新城 新村 名苑 华庭 国际 广场 大厦 商城 市场 公司 集团 学院 大学 学校 中学 小学 幼儿园
医院 卫生院 公园 景区 社区 东路 西路 南路 北路 中路 大道 大街 路段 街道 高速 酒店 宾馆 工厂 砖厂 煤矿 石场
采石场 水库 工业园 物流园 车站 火车站 高铁站 驾校 网吧 会所 银行 电厂
""".split())


def terms(title: str, body: str, body_chars: int) -> list[str]:
    """Topic terms of one petition (the title's twice: it names the subject)."""
    words = _words(title)
    return words + words + _words(body[:body_chars])


def _words(text: str) -> list[str]:
    tokens = _normalised([t for t in segment(text) if t.strip()])
    result = [t for t in tokens if len(t) >= 2 and _CJK.match(t) and t not in STOPWORDS]
    result += _rejoined(tokens)
    result += _paired(tokens)
    result += _mixed(tokens)
    result += _named(tokens)
    return result


# Near-synonyms of everyday petition language, which posts about one problem write differently
# (老人 / 老年人 / 老人家, 教师 / 老师, 欺骗 / 哄骗 / 坑骗): each line's words are read as its first.
# General words only (people, pay, deceit), none taken from a particular topic's posts.
_SYNONYM_LINES = """
老人 老年人 老人家 老年 中老年人
教师 老师
欺骗 哄骗 坑骗 蒙骗 诓骗 诱骗 欺诈
孩子 小孩 小孩子
工资 薪水 薪资 薪金 工钱 薪酬
农民工 民工
开发商 房地产商 房产商 地产商
"""
SYNONYMS = {word: line.split()[0] for line in _SYNONYM_LINES.strip().splitlines() for word in line.split()}


def _normalised(tokens: list[str]) -> list[str]:
    """Tokens with near-synonyms read as one word, and compounds ending in a variant opened up.

    jieba's dictionary holds 代课老师 as one word but cuts 代课教师 in two; a
    compound whose tail is a variant gives its head, the tail's first word and
    the compound with it (代课老师 -> 代课, 教师, 代课教师), so both spellings
    share 代课 and 教师. A compound ending in a line's first word (最低工资,
    拖欠工资, 民办教师) stays whole: opened, 拖欠工资 would link wage arrears
    to unpaid building bills (拖欠工程款) through 拖欠.
    """
    result = []
    for token in tokens:
        tail = _synonym_tail(token)
        if tail:
            head, word = token[:-len(tail)], SYNONYMS[tail]
            result += [head, word, head + word]
        else:
            result.append(SYNONYMS.get(token, token))
    return result


def _synonym_tail(token: str) -> str:
    """The variant a compound ends with, when what comes before it is a dictionary word ("" if none)."""
    if len(token) < 4 or not _CJK.match(token):
        return ""
    for tail in (token[-3:], token[-2:]):
        head = token[:-len(tail)]
        if SYNONYMS.get(tail, tail) != tail and len(head) >= 2 and has_word(head):
            return tail
    return ""


def _rejoined(tokens: list[str]) -> list[str]:
    """Names jieba split into single characters, joined back ("魅力"+"之"+"城" -> "魅力之城").

    A run of single characters is glued to the word before it; 3 to 6
    characters make a plausible name ("夜宵摊", "魅力之城").
    """
    joined, previous, run = [], "", []
    for token in tokens + [""]:
        if lone(token):
            run.append(token)
            continue
        if run and previous and _CJK.match(previous):
            name = previous + "".join(run)
            if 3 <= len(name) <= 6:
                joined.append(name)
        previous, run = token, []
    return joined


def _paired(tokens: list[str]) -> list[str]:
    """Each two neighbouring characters of a run jieba split apart (普/惠/性 -> 普惠, 惠性).

    The words of a problem its dictionary lacks (普惠, 扫码, 捂盘, 禁摩, 质价) and
    the first half of unknown names (丽发新城's 丽发) come out as single characters:
    as pairs, posts about the same thing still share a term. Most pairs are not
    words (惠性); the grouping gives no weight to one that only one text has
    (``topics._guessed_once``).
    """
    found, run, before = [], [], ""
    for token in tokens + [""]:
        if lone(token):
            run.append(token)
            continue
        if run and _LATIN.match(before) and run[0] in PLACE_ENDS:
            run = run[1:]  # A7 + 县 is the county (``_mixed``), not the start of 县松雅
        # A pair inside the province's name (西地, 地省) is the province: too coarse to be a term.
        found += [a + b for a, b in zip(run, run[1:]) if a + b not in STOPWORDS and a + b not in PROVINCE]
        run, before = [], token
    return found


def is_pair(term: str) -> bool:
    """Whether a term is two characters ``_paired`` made (jieba's own two-character terms are its words)."""
    return len(term) == 2 and bool(_CJK.match(term)) and not has_word(term)


def _mixed(tokens: list[str]) -> list[str]:
    """Letters or digits with the Chinese characters jieba split off after them (58同城, K9县, 3号线).

    Latin words of two or more characters stand alone too (5G, CBD); bare
    numbers (years, amounts) do not.
    """
    found = []
    for i, token in enumerate(tokens):
        if not _LATIN.match(token):
            continue
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token.isdigit() and after[:1] in _UNITS:
            continue
        if after[:1] in PLACE_ENDS and not lone(after):  # jieba's 县市, 县县: "A8" + "县市" is A8县
            found.append(token + after[0])
            continue
        run = []
        for following in tokens[i + 1:i + 4]:
            if not lone(following):
                break
            run.append(following)
        if run and run[0] in PLACE_ENDS:  # a district or county code ends there (K7县, not K7县拆)
            run = run[:1]
        if run:
            found.append(token + "".join(run))
        elif len(token) >= 2 and not token.isdigit():
            found.append(token)
    return found


def _named(tokens: list[str]) -> list[str]:
    """A name and the word that closes it, as one term: 魅力之城小区, 经济学院, 劳动东路."""
    found, words = [], _words_with_names(tokens)
    for before, word in zip(words, words[1:]):
        if word in SUFFIXES and before not in SUFFIXES and before not in STOPWORDS \
                and (_CJK.match(before) or _LATIN.search(before)) and len(before) >= 2:
            found.append(before + word)
    return found


def _words_with_names(tokens: list[str]) -> list[str]:
    """The tokens with runs of single characters glued to the word before them."""
    words: list[str] = []
    for token in tokens:
        if lone(token) and words and not words[-1] in SUFFIXES:
            words[-1] += token
        else:
            words.append(token)
    return words


def lone(token: str) -> bool:
    """A single Chinese character jieba could not place in a word, not a particle (魅力之城: 之, 城)."""
    return len(token) == 1 and bool(_CJK.match(token)) and token not in _SEPARATORS


def segment(text: str) -> list[str]:
    """jieba's precise mode without HMM, as jieba-rs (``rjieba``) does it.

    The same words as jieba's own Python code (3,000 of 3,000 bench texts
    compared) in a twentieth of the time: 0.03 ms instead of 0.6 ms a petition,
    which was the largest single cost of a first build's cases.
    """
    return rjieba.cut(text, hmm=False)


def has_word(word: str) -> bool:
    """Whether jieba's dictionary holds the word as it is."""
    return bool(rjieba.has_word(word))


#: How often jieba's dictionary counts a word from which it is everyday language (公园 4,610,
#: 高速 6,279, 教育 23,962), not the subject of a story (传销 426, 监考 70, 出租车 396). Chosen on
#: hand-judged topics of the demo sample (bench/RESULTS-topics.md, "Sixth round").
GENERAL_FREQ = 2000


def general(word: str) -> bool:
    """An everyday word: posts that share only it (公园, 系统, 投入) are not about one thing."""
    # rjieba has no frequency lookup; for a dictionary word, the frequency it suggests is the word's own.
    return has_word(word) and rjieba.suggest_freq(word) >= GENERAL_FREQ


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
        self._pool: multiprocessing.pool.Pool | None = None

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
        forked = self._parallel()
        if forked is not None:
            self._waiting.append((digests, forked.apply_async(_segment_many, (texts,))))
            while len(self._waiting) > 2 * self.workers:  # bounded: the stream waits for the workers
                self._store(*self._waiting.popleft())
        else:
            self._store(digests, _segment_many(texts))

    def _parallel(self) -> multiprocessing.pool.Pool | None:
        """The pool of segmenting workers, started once the stream is long enough; None: segment here."""
        if self._pool is None and self.workers > 1 and self.segmented >= PARALLEL_MIN \
                and can_fork():
            load_segmenter()  # once, here: the workers inherit the dictionary
            gc.freeze()
            self._pool = multiprocessing.get_context("fork").Pool(self.workers)
        return self._pool

    def _store(self, digests: list[bytes], done) -> None:
        for digest, found in zip(digests, done if isinstance(done, list) else done.get()):
            # Terms are runs of CJK characters: a space never occurs inside one.
            self._fresh[digest] = " ".join(found)
            self.cache.put(digest, found)
