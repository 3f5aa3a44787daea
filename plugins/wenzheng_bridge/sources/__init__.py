"""Source adapters: one per input kind, all yielding normalised records.

An adapter is a ``base.SourceAdapter`` subclass (its typed ``options`` and
``items(context)`` yielding ``Petition``, ``SourceError`` or ``Gone`` objects),
registered under its kind in ``kinds.SOURCE_KINDS``.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..config import Option, validate
from .kinds import SOURCE_KINDS
from .settings import COMMON_OPTIONS


def _any_kind_options() -> dict[str, Option]:
    """Every kind's options, none required: what an entry of unknown kind can still be checked against."""
    options: dict[str, Option] = {}
    for adapter in SOURCE_KINDS.targets():
        for key, option in adapter.options.items():
            options.setdefault(key, replace(option, default=None) if option.required else option)
    return {**options, **COMMON_OPTIONS, "kind": replace(COMMON_OPTIONS["kind"], type=object, choices=())}


def _kind_option() -> Option:
    """``kind`` as a closed set of the kinds registered now (a plugin's kind included)."""
    return replace(COMMON_OPTIONS["kind"], choices=tuple(SOURCE_KINDS))


def validate_sources(raw: list, base: Path) -> tuple[list[dict], list[str]]:
    """Check each WENZHENG_SOURCES entry against its kind's options."""
    sources, problems, names = [], [], set()
    for index, entry in enumerate(raw):
        where = f"WENZHENG_SOURCES[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: 应为 dict，实际是 {type(entry).__name__}")
            continue
        where = f"WENZHENG_SOURCES[{index}]（{entry.get('name', '?')}）"
        kind = entry.get("kind")
        if not isinstance(kind, str) or kind not in SOURCE_KINDS:
            # Still check the rest, so one run names every mistake of the entry.
            problems.append(f"{where}: 'kind' 应为 {' / '.join(SOURCE_KINDS)} 之一，实际是 {kind!r}")
            problems += validate(entry, _any_kind_options(), where)[1]
            continue
        cls = SOURCE_KINDS[kind]
        values, found = validate(entry, {**COMMON_OPTIONS, "kind": _kind_option(), **cls.options}, where)
        problems += found
        if values.get("name") in names:
            problems.append(f"{where}: 来源名 {values['name']!r} 重复")
        names.add(values.get("name"))
        # Kind-specific checks (files exist, URLs parse) run on whatever keys were valid,
        # so one run names every problem.
        problems += [f"{where}: {p}" for p in cls.check(values, base)]
        sources.append(values)
    return sources, problems
