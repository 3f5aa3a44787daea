"""Typed, validated configuration (in the spirit of MkDocs' config options).

Each job declares its options as ``Option`` objects in its own ``settings.py``;
``validate`` checks a mapping against them and reports every problem at once,
so a newsroom fixing ``pelicanconf.py`` sees all its mistakes in one run.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .errors import WenzhengError

REQUIRED = object()


class ConfigError(WenzhengError, ValueError):
    """Configuration mistakes, all of them, one per line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("配置有误：\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class Option:
    """One setting: its type(s), its default (or REQUIRED), what it means."""

    type: type | tuple[type, ...]
    default: Any = REQUIRED
    doc: str = ""
    check: Callable[[Any], str | None] | None = None  # returns a problem, or None

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


def validate(values: dict, options: dict[str, Option], where: str) -> tuple[dict, list[str]]:
    """Return (values with defaults filled in, problems). Unknown keys are problems."""
    problems: list[str] = []
    result: dict = {}
    for key in values:
        if key not in options:
            problems.append(f"{where}: 未知的设置项 {key!r}（可用：{', '.join(sorted(options))}）")
    for key, option in options.items():
        if key not in values:
            if option.required:
                problems.append(f"{where}: 缺少必填项 {key!r}（{option.doc}）")
            else:
                result[key] = option.default
            continue
        value = values[key]
        if not isinstance(value, option.type) or (isinstance(value, bool) and bool not in _types(option.type)):
            problems.append(
                f"{where}: {key!r} 应为 {_type_names(option.type)}，实际是 {type(value).__name__}"
            )
            continue
        if option.check and (problem := option.check(value)):
            problems.append(f"{where}: {key!r} {problem}")
            continue
        result[key] = value
    return result, problems


def _types(t) -> tuple:
    return t if isinstance(t, tuple) else (t,)


def _type_names(t) -> str:
    return " 或 ".join(x.__name__ for x in _types(t))
