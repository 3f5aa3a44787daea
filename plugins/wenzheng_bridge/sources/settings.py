"""Options every source entry in WENZHENG_SOURCES accepts; kinds add their own."""
from __future__ import annotations

import re

from ..config import Choice, Option
from ..fetching import FETCH_OPTIONS

#: kind -> "module:Class" of its adapter (imported on use, so a kind's dependencies load only when
#: needed); the closed set the ``kind`` option accepts.
KINDS: dict[str, str] = {
    "table": "wenzheng_bridge.sources.table:TableSource",
    "feed": "wenzheng_bridge.sources.feed:FeedSource",
    "forum": "wenzheng_bridge.sources.forum:ForumSource",
    "json": "wenzheng_bridge.sources.jsonapi:JsonApiSource",
    "offline": "wenzheng_bridge.sources.offline:OfflineSource",
}


def _slug(value: str) -> str | None:
    return None if re.fullmatch(r"[a-z0-9][a-z0-9_]*", value) else "只能用小写字母、数字和下划线（用于网址和案件编号）"


#: Facts a source may carry; a case view says nothing a source cannot know (no reply data: no
#: "nobody replied"). Keys are what ``knows`` lists; values name them for readers.
FACTS = {"replies": "答复", "reply_times": "答复时间", "departments": "部门", "types": "类型",
         "engagement": "点赞浏览等互动数据"}


def _state_map_check(value) -> str | None:
    from ..records import STATUS_NAMES

    bad = {k: v for k, v in value.items() if not isinstance(k, str) or v not in STATUS_NAMES}
    return f"的值应为 {'、'.join(STATUS_NAMES)} 之一，实际有 {bad}" if bad else None


def declared_knows(config: dict) -> frozenset[str]:
    """The facts a source carries: its ``knows`` option, else what its kind can carry.

    A table's own columns narrow this per file at pull time (``Petition.extra["knows"]``); a
    forum or feed knows replies only when its spokesperson accounts are named.
    """
    if config.get("knows") is not None:
        return frozenset(config["knows"])
    kind = config.get("kind")
    if kind in ("feed", "forum"):
        spokes = config.get("spokespersons") or {}
        facts = {"engagement"} if kind == "forum" else set()
        if spokes and config.get("full_text") != "never":
            facts |= {"replies", "reply_times"}
            if isinstance(spokes, dict) and any(spokes.values()):
                facts.add("departments")
        return frozenset(facts)
    if kind == "json":
        fields = config.get("fields") or {}
        facts = set(FACTS)
        for fact, field in (("replies", "reply_text"), ("reply_times", "reply_time"), ("types", "type")):
            if fields.get(field) == "":
                facts.discard(fact)
        return frozenset(facts)
    return frozenset(FACTS)


COMMON_OPTIONS: dict[str, Option] = {
    "name": Option(str, doc="source name; prefix of case ids", check=_slug),
    "kind": Choice(tuple(KINDS), doc="table / feed / forum / json / offline"),
    "board": Option(str, "", "board name when the source does not give one"),
    "board_map": Option(dict, {}, "source board name -> board name shown on the site"),
    "department": Option(str, "", "target department when the source does not give one"),
    "type_map": Option(dict, {}, "platform type name -> 建议/咨询/举报/诉求 (added to the defaults)"),
    "gazetteer": Option(dict, {}, "place name -> district/county/city, added to WENZHENG_GAZETTEER and the defaults"),
    "enabled": Option(bool, True, "pull this source"),
    "knows": Choice(tuple(FACTS), None, "facts the source carries: replies, reply_times, departments, types, "
                    "engagement (default per kind; a table's columns narrow it per file)", of=list, noun="事实"),
    "state_map": Option(dict, {}, "platform state (e.g. 已办理) -> our status, added to the default "
                        "vocabulary of platform states", _state_map_check),
    **FETCH_OPTIONS,  # web kinds only
}
