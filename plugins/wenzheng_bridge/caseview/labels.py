"""A hot topic's label: the name most of its petitions share, and the issue.

"魅力之城小区 · 油烟扰民", not a pair of strong words ("滨河·景园"). The name
is a term that names a place or an organisation (a name with the word that
closes it, such as 魅力之城小区, 经济学院, 劳动东路, or letters and Chinese
together, such as 58同城, 3号线) found in most (more than half) of the members; of
those, the most widely shared, and then the longest of these names that holds it. The
issue is the most widely shared specific term that is not the name (rarer
terms first on a tie), joined with the next one when members write them side
by side (油烟 + 扰民 -> 油烟扰民), and with the words most members write right
before or after it: what a reader would say rather than one word of it
(中级 -> 中级人民法院, 农民工工资 -> 拖欠农民工工资). Last, each part takes the
characters jieba could not place that most titles write beside it, so that a
name reads as written (景园滨河 -> 伊景园滨河苑, 月亮 -> 月亮岛路).
"""
from __future__ import annotations

import math
import re
from collections import Counter

from .terms import PLACE_ENDS, STOPWORDS, SUFFIXES, has_word, is_pair, lone, segment
from .trending import COARSE_PLACE, PROVINCE

_LATIN = re.compile(r"[A-Za-z0-9]")
_CJK_ONLY = re.compile(r"^[\u4e00-\u9fa5]+$")
_COUNTY_CITY = re.compile(r"^[A-Z]\d+县市$")  # "A8县市": a county-level city, as coarse as a county
SEPARATOR = " · "


def label_of(terms: list[str] | tuple[str, ...]) -> str:
    """The label shown for ``label_terms``' result: name · issue."""
    return SEPARATOR.join(terms)


def label_terms(docs: list[list[str]], df: dict[str, int], n: int, titles: list[str] | None = None) -> list[str]:
    """[name, issue] (or [issue] when the members share no name) of one topic.

    ``docs``: each member's terms in text order; ``df``: in how many of all
    ``n`` petitions each term occurs; ``titles``: the members' titles, which
    the parts are completed from (``as_written``).
    """
    shared = Counter(term for words in docs for term in set(words))
    half = len(docs) / 2
    idf = {term: math.log((1 + n) / (1 + df.get(term, 0))) for term in shared}
    names = [t for t, count in shared.items() if count > half and is_name(t)]
    name = max(names, key=lambda t: (shared[t], len(t), idf[t], t), default="")
    # The longest shared name holding it is the one a reader knows (万科魅力之城小区 over 魅力之城小区).
    name = max((t for t in names if name and name in t), key=lambda t: (len(t), shared[t], t), default=name)
    issues = [t for t in shared if t not in STOPWORDS and not coarse(t) and not is_name(t)
              and not (name and (t in name or name in t))]
    issues.sort(key=lambda t: (-shared[t], -idf[t], t))
    issue = _joined(_grown(_phrase(issues[:2], docs, shared, half), docs, name)) if issues else ""
    # An issue stays a short phrase (the bench's generated copies grew 市镇兽医何时能 into a sentence).
    parts = [as_written(part, titles or [], longest) for part, longest in ((name, LONGEST_WRITTEN),
                                                                         (issue, LONGEST_ISSUE)) if part]
    # A name completed as written may hold the issue (旺德府 + 凯悦国际 -> 旺德府凯悦国际): once is enough.
    return [part for part in parts if not any(part != other and part in other for other in parts)]


def is_name(term: str) -> bool:
    """A place's or an organisation's name: closed by a suffix word, or letters and Chinese together."""
    if coarse(term):
        return False
    if any(term.endswith(suffix) and len(term) > len(suffix) for suffix in SUFFIXES):
        return not common_noun(term)  # asked only here: the vocabulary of 100,000 petitions is large
    return bool(_LATIN.search(term)) and not term.isascii()


def common_noun(term: str) -> bool:
    """One word of the dictionary (菜市场, 幼儿园, 居民小区, 中心医院): a kind of place, not one place.

    Names of particular places are not in jieba's dictionary: they are built
    from the words before the closing word (魅力之城 + 小区, 劳动 + 东路).
    """
    return bool(_CJK_ONLY.match(term)) and has_word(term)


def coarse(term: str) -> bool:
    """A whole province, city, district or county: too coarse to make a topic."""
    return bool(COARSE_PLACE.match(term) or _COUNTY_CITY.match(term))


def _phrase(top: list[str], docs: list[list[str]], shared: Counter, half: float) -> list[str]:
    """The first issue term, with the second when both are widely shared and written side by side."""
    first = top[0]
    if len(top) < 2 or shared[top[1]] < half:
        return [first]
    second = top[1]
    pairs: Counter[tuple[str, str]] = Counter()
    for words in docs:
        for a, b in zip(words, words[1:]):
            if {a, b} == {first, second}:
                pairs[(a, b)] += 1
    return list(pairs.most_common(1)[0][0]) if pairs else [first]


#: Characters beyond which an issue is not grown: a label, not a sentence.
LONGEST_ISSUE = 7


def _grown(phrase: list[str], docs: list[list[str]], name: str) -> list[str]:
    """The phrase with the word that more than half of the members' texts have right after (or before) it.

    jieba cuts a name or a phrase into words (中级 + 人民法院, 拖欠 +
    农民工工资); one of them alone says less than the posts do. Repeated while
    the label stays short. At least three texts must agree: two posts of one
    resident often share a whole sentence (消防车赶来救援).
    """
    texts = [list(words) for words in dict.fromkeys(tuple(words) for words in docs)]  # near-copies count once
    while True:
        after, before = _neighbours(phrase, texts)
        for word, count, grown in ((*after, phrase + [after[0]]), (*before, [before[0]] + phrase)):
            if _most_agree(count, texts) and _word(word, phrase, name) and len(_joined(grown)) <= LONGEST_ISSUE:
                phrase = grown
                break
        else:
            return phrase


def _word(word: str, phrase: list[str], name: str) -> bool:
    """Whether a neighbour may grow the phrase: a word or a name, not a guessed pair, the place or the name."""
    return word not in phrase and (has_word(word) or is_name(word)) and not coarse(word) \
        and not (name and word in name)


def _neighbours(phrase: list[str], docs: list[list[str]]) -> tuple[tuple[str, int], tuple[str, int]]:
    """(word, members) most often right after the phrase's first occurrence, and right before it."""
    after: Counter[str] = Counter()
    before: Counter[str] = Counter()
    width = len(phrase)
    for words in docs:
        at = next((i for i in range(len(words) - width + 1) if words[i:i + width] == phrase), -1)
        if at < 0:
            continue
        if at + width < len(words):
            after[words[at + width]] += 1
        if at > 0:
            before[words[at - 1]] += 1
    return after.most_common(1)[0] if after else ("", 0), before.most_common(1)[0] if before else ("", 0)


def _joined(phrase: list[str]) -> str:
    """A phrase's terms as one label: neighbours that overlap are written once."""
    result = phrase[0]
    for previous, word in zip(phrase, phrase[1:]):
        both = _side_by_side(previous, word)
        if result.endswith(previous):
            result = result[:-len(previous)] + both
        elif both not in result:
            result += both
    return result


def _side_by_side(a: str, b: str) -> str:
    """Two terms written one after the other, as the text has them.

    A name glued from a run and a pair of that run (五矿万境 + 万境) are one
    word, and two pairs of one run share a character (普惠 + 惠制).
    """
    if b in a or a in b:
        return max(a, b, key=len)
    return a + b[1:] if is_pair(a) and is_pair(b) and a[-1] == b[0] else a + b


#: Characters a label's name may grow to from its titles (its issue: ``LONGEST_ISSUE``).
LONGEST_WRITTEN = 10
#: A person, as petitions write one (夏某) or as masking leaves one (杨*): never part of a name.
_PERSON = frozenset("某*")


def as_written(part: str, titles: list[str], longest: int = LONGEST_WRITTEN) -> str:
    """The part with the lone characters that more than half of the titles, and three or more, write beside it.

    jieba's dictionary knows no estate or road: 伊景园滨河苑 is cut into 伊 /
    景园 / 滨河 / 苑 and 月亮岛路 into 月亮 / 岛 / 路, so the terms name them by a
    piece. The characters it could not place, written right beside the piece
    by most titles, are part of the name. Never the end of a place code (A市,
    A3区) on the left, nor a character of the province's name, nor a person
    (富惠天下 + 夏某 stays 富惠天下). Copies of a title count once, as in ``_grown``.
    """
    titles = list(dict.fromkeys(titles))
    spans = {title: _spans(title) for title in titles if part in title}  # each title segmented once
    while len(part) < longest:
        before: Counter[str] = Counter()
        after: Counter[str] = Counter()
        for title, tokens in spans.items():
            left, right = _beside(part, title, tokens)
            if left:
                before[left] += 1
            if right:
                after[right] += 1
        grown = [left + part for left, count in before.most_common(1) if _most_agree(count, titles)] \
            + [part + right for right, count in after.most_common(1) if _most_agree(count, titles)]
        if not grown:
            return part
        part = grown[0]
        spans = {title: tokens for title, tokens in spans.items() if part in title}
    return part


def _most_agree(count: int, texts: list) -> bool:
    """More than half of the texts, and three or more: two posts of one resident often share a sentence."""
    return count * 2 > len(texts) and count >= 3


def _spans(title: str) -> dict[int, tuple[int, str]]:
    """jieba's tokens of a title by where they start: start -> (end, token)."""
    spans, at = {}, 0
    for token in segment(title):
        spans[at] = (at + len(token), token)
        at += len(token)
    return spans


def _beside(part: str, title: str, spans: dict[int, tuple[int, str]]) -> tuple[str, str]:
    """The lone characters right before and after the part's first occurrence, if it is whole tokens ("" if not)."""
    start = title.find(part)
    end = start + len(part)
    if start not in spans or not (end in spans or end == len(title)):  # not whole tokens
        return "", ""
    left = spans.get(start - 1, (0, ""))[1] if start > 0 else ""  # a token ending where the part starts is one character
    right = spans.get(end, (0, ""))[1]
    left = left if lone(left) and left not in PLACE_ENDS | _PERSON and left + part[0] not in PROVINCE else ""
    right = right if lone(right) and right not in _PERSON and title[end + 1:end + 2] not in _PERSON \
        and part[-1] + right not in PROVINCE else ""
    return left, right
