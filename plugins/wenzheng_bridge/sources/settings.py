"""Options every source entry in WENZHENG_SOURCES accepts; kinds add their own."""
from __future__ import annotations

import re

from ..config import Choice, Option
from ..fetching import FETCH_OPTIONS
from ..records import STATUS_NAMES
from .base import FACTS
from .kinds import SOURCE_KINDS


#: What readers see for a source without a ``title``: never its internal ``name``.
UNTITLED = "问政平台数据"


def public_titles(sources: list[dict]) -> dict[str, str]:
    """Source name -> the name readers see (``title``, else UNTITLED, numbered when several lack one)."""
    untitled = [s["name"] for s in sources if not s.get("title")]
    numbered = {name: f"{UNTITLED}（{i}）" for i, name in enumerate(untitled, 1)} if len(untitled) > 1 else {}
    return {s["name"]: s.get("title") or numbered.get(s["name"], UNTITLED) for s in sources}


def _slug(value: str) -> str | None:
    return None if re.fullmatch(r"[a-z0-9][a-z0-9_]*", value) else "只能用小写字母、数字和下划线（用于网址和案件编号）"


def _state_map_check(value) -> str | None:
    bad = {k: v for k, v in value.items() if not isinstance(k, str) or v not in STATUS_NAMES}
    return f"的值应为 {'、'.join(STATUS_NAMES)} 之一，实际有 {bad}" if bad else None


def declared_knows(config: dict) -> frozenset[str]:
    """The facts a source carries: its ``knows`` option, else what its kind can carry (``SourceAdapter.knows``).

    A table's own columns narrow this per file at pull time (``Petition.extra["knows"]``).
    """
    if config.get("knows") is not None:
        return frozenset(config["knows"])
    kind = config.get("kind")
    return SOURCE_KINDS[kind].knows(config) if isinstance(kind, str) and kind in SOURCE_KINDS else frozenset(FACTS)


COMMON_OPTIONS: dict[str, Option] = {
    "name": Option(str, doc="source name; prefix of case ids", check=_slug),
    "title": Option(str, "", f"the source's name on public pages (default: {UNTITLED}); the name is internal"),
    "kind": Choice(tuple(SOURCE_KINDS.names()), doc="table / feed / forum / json / offline"),
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
