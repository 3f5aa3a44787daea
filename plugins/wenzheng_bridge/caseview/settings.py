"""Settings of the case view, with their documented defaults.

Dict-valued settings are merged over their defaults key by key, so
``WENZHENG_TRENDING = {"gravity": 1.2}`` changes the gravity only.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..config import LayerSettings, Option, names_check, positive
from ..records import TYPES

#: Reply limits in working days. Keys: a type, "*" (any type), or
#: "board/type" and "board/*" for one board. The published rule: 咨询 and
#: 建议 within 5 working days, complaints (投诉, mapped onto 诉求) within 7.
DEFAULT_REPLY_LIMITS = {"咨询": 5, "建议": 5, "诉求": 7, "举报": 7, "*": 7}

#: Trending score: weights of each part, and the recency decay
#: 1 / (age in days + 2) ** gravity, as news aggregators rank.
DEFAULT_TRENDING = {
    "likes": 1.0,  # per 点赞
    "replies": 0.5,  # per post in the thread (source reply count)
    "views": 0.01,  # per view
    "overdue": 1.0,  # per working day past the reply limit (capped below)
    "overdue_cap": 30,  # working days counted at most
    "repeat_place": 2.0,  # per earlier complaint naming the same place within the window
    "place_window_days": 90,  # how far back a complaint about the same place counts
    "gravity": 1.5,
}

#: Hot-topic grouping: TF-IDF cosine on jieba terms, candidates found through
#: an inverted index of each petition's strongest terms.
DEFAULT_TOPICS = {
    "threshold": 0.08,  # cosine similarity at or above which two petitions are linked
    "min_size": 3,  # smallest group reported as a topic (in different texts: copies of a post count once)
    "max_size": 200,  # a larger community (in different texts) is split again at twice the density
    "split_density": 0.06,  # a community's summed link cosine per pair of petitions must pass this
    "merge": 0.4,  # cosine of two groups' centroids at or above which they are one topic (1.01: never)
    "top_terms": 7,  # strongest shared anchor terms per petition used to find candidates
    "anchor_share": 0.005,  # a term in more than this share of petitions is too generic to link two
    "anchor_min": 40,  # ... unless it is in at most this many (small stores)
    "max_posting": 400,  # a term shared by more petitions than this finds no candidates at all
    "candidates": 60,  # candidates scored per petition (those sharing most strong terms)
    "body_chars": 80,  # characters of the body read after the title
    "engagement_weight": 2.0,  # topic heat added each time the members' likes, replies and views double
}


def limits_check(value: dict) -> str | None:
    for key, days in value.items():
        if not isinstance(key, str) or not key:
            return f"的键 {key!r} 应为类型、'*'、'板块/类型' 或 '板块/*'"
        kind = key.rsplit("/", 1)[-1]
        if kind != "*" and kind not in TYPES and kind != "投诉":
            return f"的键 {key!r} 中的类型应为 {'、'.join(TYPES)} 或 '*'"
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 60:
            return f"的 {key!r} 应为 1 到 60 之间的工作日数，实际是 {days!r}"
    return None


def _numbers_check(defaults: dict):
    def check(value: dict) -> str | None:
        unknown = sorted(set(value) - set(defaults))
        if unknown:
            return f"含未知的键 {unknown}（可用：{sorted(defaults)}）"
        for key, number in value.items():
            if isinstance(number, bool) or not isinstance(number, (int, float)) or number < 0:
                return f"的 {key!r} 应为非负数，实际是 {number!r}"
        return None

    return check


def _now_check(value: str) -> str | None:
    from datetime import datetime

    if not value:
        return None
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return f"应为 ISO 时间（如 2020-01-31T12:00:00+08:00），实际是 {value!r}"
    return None


OPTIONS: dict[str, Option] = {
    "WENZHENG_REPLY_LIMITS": Option(
        dict, {}, "reply limits in working days, merged over the defaults "
        f"{DEFAULT_REPLY_LIMITS}; keys: type, '*', 'board/type', 'board/*'", limits_check,
        merge=DEFAULT_REPLY_LIMITS,
    ),
    "WENZHENG_MIN_RANK_SAMPLE": Option(
        int, 30, "petitions a department needs before it is ranked (below: listed, not ranked)", positive,
    ),
    "WENZHENG_UNIT_ALIASES": Option(
        dict, {}, "replying-unit variants folded onto one name, added to caseview.units.DEFAULT_ALIASES: "
        "a name ending with a key ends with its value instead ('住建局': '住房和城乡建设局'); a whole name works too",
        names_check,
    ),
    "WENZHENG_TRENDING": Option(
        dict, {}, f"trending weights and gravity, merged over {DEFAULT_TRENDING}", _numbers_check(DEFAULT_TRENDING),
        merge=DEFAULT_TRENDING,
    ),
    "WENZHENG_TOPICS": Option(
        dict, {}, f"hot-topic thresholds, merged over {DEFAULT_TOPICS}", _numbers_check(DEFAULT_TOPICS),
        merge=DEFAULT_TOPICS,
    ),
    "WENZHENG_CACHE_DIR": Option(
        str, ".wenzheng-cache", "folder for build caches (hot-topic terms), relative to WENZHENG_BASE; "
        "empty = no cache on disk",
    ),
    "WENZHENG_NOW": Option(
        str, "", "fixed 'now' (ISO time) for reproducible builds; empty = the real time", _now_check,
    ),
}


@dataclass(frozen=True)
class CaseviewSettings(LayerSettings):
    """The case view's settings, read by attribute; dict settings already merged over their defaults."""

    OPTIONS = OPTIONS

    reply_limits: dict
    min_rank_sample: int
    unit_aliases: dict
    trending: dict
    topics: dict
    cache_dir: str
    now: str
