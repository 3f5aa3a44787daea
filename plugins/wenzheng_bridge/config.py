"""Typed, validated configuration (in the spirit of MkDocs' config options).

Each job declares its options as ``Option`` objects in its own ``settings.py``;
``validate`` checks a mapping against them and reports every problem at once,
so a newsroom fixing ``pelicanconf.py`` sees all its mistakes in one run.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Callable, ClassVar, Mapping, Self

from .errors import WenzhengError

REQUIRED: Any = object()


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
    #: A closed set: the value (or, for a list, each item) must be one of these.
    choices: tuple = ()
    #: What a list option's items are, for its message ("含未知的事实 ['likes']").
    noun: str = "值"
    #: Defaults a dict value is merged over key by key (``{"gravity": 1.2}`` changes the gravity only).
    merge: Mapping | None = None

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def problem(self, value: Any) -> str | None:
        """What is wrong with a value of the right type (a choice outside the set, a failed check)."""
        valid = "、".join(map(str, self.choices))
        if self.choices and isinstance(value, list):
            outside = [v for v in value if v not in self.choices]
            if outside:
                return f"含未知的{self.noun} {outside}（可用：{valid}）"
        elif self.choices and value not in self.choices:
            return f"应为 {valid} 之一，实际是 {value!r}"
        return self.check(value) if self.check else None

    def value(self, settings: Mapping, key: str) -> Any:
        """The setting's value in ``settings`` or the default, merged over ``merge``; lists become tuples."""
        value = settings.get(key, self.default)
        if self.merge is not None:
            return {**self.merge, **(value or {})}
        return tuple(value) if isinstance(value, list) else value


def read(options: dict[str, Option], values: Mapping, key: str) -> Any:
    """One option's value in ``values`` (a source entry, validated or not), else its table default."""
    return options[key].value(values, key)


def Choice(choices: tuple, default: Any = REQUIRED, doc: str = "", of: type | tuple[type, ...] = str,
           noun: str = "值") -> Option:
    """An option whose value is one of a closed set (a list option: each item is, ``noun`` naming them);
    bad values are refused naming the setting and every valid value."""
    return Option(of, default, doc, choices=tuple(choices), noun=noun)


class LayerSettings:
    """Base of one layer's typed settings: a frozen dataclass whose field ``x_y`` is ``WENZHENG_X_Y``.

    Built once where a job starts (``of``) from validated settings, or from a partial dict (a test's):
    a missing key takes its default from the option table, the only place defaults are written.
    """

    OPTIONS: ClassVar[dict[str, Option]]

    @classmethod
    def of(cls, settings: Mapping | Self | None) -> Self:
        if isinstance(settings, cls):
            return settings
        given: Mapping = settings if isinstance(settings, Mapping) else {}
        values = {}
        for item in fields(cls):  # type: ignore[arg-type]  # subclasses are dataclasses
            key = "WENZHENG_" + item.name.upper()
            values[item.name] = cls.OPTIONS[key].value(given, key)
        return cls(**values)


def names_check(value: dict) -> str | None:
    """Check of a name -> name map (aliases, gazetteer)."""
    for key, name in value.items():
        if not isinstance(key, str) or not key or not isinstance(name, str) or not name:
            return f"的键和值都应为非空文字，实际是 {key!r}: {name!r}"
    return None


def _header_check(value: str) -> str | None:
    # An HTTP header is ASCII: httpx would raise UnicodeEncodeError at the first request instead.
    if value.isascii() and value.isprintable() and value.strip():
        return None
    return f"只能用英文字母、数字和符号（HTTP 请求头不能含中文、换行或为空），实际是 {value!r}"


def _workers_check(value: int) -> str | None:
    return None if value >= 0 else "应为 0 或正整数"


#: Options every layer reads (paths, sources, processes): kept at this low layer so the case view,
#: the store's users and the worker pools can read them without reaching up to ``settings``.
CORE_OPTIONS: dict[str, Option] = {
    "WENZHENG_BASE": Option(str, "", "folder that relative WENZHENG_* paths start from (default: pelicanconf.py's)"),
    "WENZHENG_STORE": Option(str, "data/wenzheng.sqlite3", "SQLite store path, relative to pelicanconf.py"),
    "WENZHENG_SOURCES": Option(list, [], "source definitions; see sources/settings.py"),
    "WENZHENG_USER_AGENT": Option(
        str, "wenzheng-bridge/0.1 (+https://example.org/wenzheng; newsroom petition tracker)",
        "User-Agent sent with every request; names the tool", _header_check,
    ),
    "WENZHENG_GAZETTEER": Option(
        dict, {}, "place name -> the district/county/city it is in, added to sources.places.DEFAULT_GAZETTEER; "
        "qualifies generic units (镇党委 -> X镇党委); coded names such as A3区 are known without it",
        names_check,
    ),
    "WENZHENG_WORKERS": Option(
        int, 0, "processes writing the site's pages and segmenting text (0: one per available core; "
        "1: no extra process)", _workers_check,
    ),
}


@dataclass(frozen=True)
class CoreSettings(LayerSettings):
    OPTIONS = CORE_OPTIONS

    base: str
    store: str
    sources: tuple
    user_agent: str
    gazetteer: dict
    workers: int

    @property
    def base_path(self) -> Path:
        return Path(self.base or ".")

    @property
    def store_path(self) -> Path:
        """The store file (validated settings hold it absolute; a partial dict's is relative to the base)."""
        return self.base_path / self.store


def positive(value: int | float) -> str | None:
    """Check of a count that must be at least one."""
    return None if value > 0 else "应为正整数"


def not_negative(value: int | float) -> str | None:
    return None if value >= 0 else "不能为负数"


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
        if problem := option.problem(value):
            problems.append(f"{where}: {key!r} {problem}")
            continue
        result[key] = value
    return result, problems


def _types(t) -> tuple:
    return t if isinstance(t, tuple) else (t,)


def _type_names(t) -> str:
    return " 或 ".join(x.__name__ for x in _types(t))
