"""Source adapters: one per input kind, all yielding normalised records.

An adapter is a class with ``options`` (its typed settings) and
``items(context)`` yielding ``Petition`` or ``SourceError`` objects. This is
the one place kinds are declared; a new kind is a module plus a line here.
"""
from __future__ import annotations

from dataclasses import replace
from importlib import import_module
from pathlib import Path

from ..config import Option, validate
from .settings import COMMON_OPTIONS, KINDS


def adapter_class(kind: str):
    module, name = KINDS[kind].split(":")
    return getattr(import_module(module), name)


def _any_kind_options() -> dict[str, Option]:
    """Every kind's options, none required: what an entry of unknown kind can still be checked against."""
    options: dict[str, Option] = {}
    for kind in KINDS:
        for key, option in adapter_class(kind).options.items():
            options.setdefault(key, replace(option, default=None) if option.required else option)
    return {**options, **COMMON_OPTIONS, "kind": replace(COMMON_OPTIONS["kind"], type=object, choices=())}


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
        if kind not in KINDS:
            # Still check the rest, so one run names every mistake of the entry.
            problems.append(f"{where}: 'kind' 应为 {' / '.join(KINDS)} 之一，实际是 {kind!r}")
            problems += validate(entry, _any_kind_options(), where)[1]
            continue
        cls = adapter_class(kind)
        values, found = validate(entry, {**COMMON_OPTIONS, **cls.options}, where)
        problems += found
        if values.get("name") in names:
            problems.append(f"{where}: 来源名 {values['name']!r} 重复")
        names.add(values.get("name"))
        # Kind-specific checks (files exist, URLs parse) run on whatever keys were valid,
        # so one run names every problem.
        if hasattr(cls, "check"):
            problems += [f"{where}: {p}" for p in cls.check(values, base)]
        sources.append(values)
    return sources, problems
