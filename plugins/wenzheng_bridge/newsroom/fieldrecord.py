"""Plain-text records of ``字段: 值`` lines (events, theme collections): reading them strictly.

One file per thing; ``#`` starts a comment; every problem names file, line and field
(``RecordError``), like the newsroom's case records.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..sources.common import parse_datetime
from .caseindex import RecordError

_PAIR = re.compile(r"^([^:：]+?)\s*[:：]\s*(.*)$")
_SPLIT = re.compile(r"\s*[、,，;；]\s*")
YES, NO = {"是", "yes", "true", "1"}, {"否", "no", "false", "0"}
RECORD_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


def split_names(text: str) -> list[str]:
    """Names listed with 、 commas or semicolons."""
    return [name for name in _SPLIT.split(text.strip()) if name]


def record_id(path: Path, suffix: str) -> str:
    """The id a record file's name gives (``2019-12-a3.txt`` -> ``2019-12-a3``)."""
    found = path.name[: -len(suffix)]
    if not RECORD_ID.fullmatch(found):
        raise RecordError(path, None, "文件名", f"编号 {found!r} 只能用小写字母、数字和连字符（如 2019-12-a3）")
    return found


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # editors' Windows tools may add a BOM
    except UnicodeDecodeError as error:
        raise RecordError(path, None, "编码", f"不是 UTF-8 文本（{error.reason}）") from None


def parse_fields(text: str, path: Path, labels, required=(), dates=(), flags=()) -> dict[str, str]:
    """Label -> value of each ``字段: 值`` line; unknown, repeated, missing or unreadable fields raise."""
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        pair = _PAIR.match(line)
        if pair is None:
            raise RecordError(path, number, "格式", f"应为“字段: 值”（字段：{'、'.join(labels)}）：{line}")
        label, value = pair.group(1), pair.group(2)
        if label not in labels:
            raise RecordError(path, number, label, f"未知的字段（可用：{'、'.join(labels)}）")
        if label in values:
            raise RecordError(path, number, label, "重复的字段")
        if label in dates and value:
            try:
                parse_datetime(value)
            except ValueError:
                raise RecordError(path, number, label, f"无法识别 {value!r}（应为 2019-12-14 或 2019-12-14 09:30）") from None
        if label in flags and value and value.lower() not in YES | NO:
            raise RecordError(path, number, label, f"应为 是 或 否，实际是 {value!r}")
        values[label] = value
    for label in required:
        if not values.get(label):
            raise RecordError(path, None, label, "必须填写")
    return values


def flag(value: str) -> bool:
    return value.strip().lower() in YES
