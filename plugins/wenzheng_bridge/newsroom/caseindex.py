"""The case index and the error of the newsroom records: the leaf that records and articles share.

Both the record files and the column articles name cases; both check the names
against the store through ``CaseIndex`` and report problems as ``RecordError``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..config import CoreSettings
from ..errors import WenzhengError
from ..store import Store


class RecordError(WenzhengError, ValueError):
    """A newsroom record or article that cannot be read: names file, line and field."""

    def __init__(self, path: Path | str, line: int | None, field: str, problem: str):
        self.path, self.line, self.field, self.problem = str(path), line, field, problem
        where = f"第 {line} 行 · " if line else ""
        super().__init__(f"编辑部记录 {path} · {where}字段 {field}：{problem}")


def content_dir(settings: dict) -> Path:
    return CoreSettings.of(settings).base_path / settings.get("PATH", "content")


class CaseIndex:
    """The case keys the store knows, to check records and resolve bare source ids."""

    def __init__(self, keys: Iterable[tuple[str, str]]):
        """``keys``: (case key, source id) pairs."""
        self.keys: set[str] = set()
        self.by_id: dict[str, list[str]] = {}
        for key, source_id in keys:
            self.keys.add(key)
            self.by_id.setdefault(source_id, []).append(key)

    @classmethod
    def from_store(cls, store) -> "CaseIndex":
        # Only the keys: reading 95k petitions with their replies just to check names would be slow.
        return cls(store.case_keys())

    @classmethod
    def from_settings(cls, settings: dict) -> "CaseIndex":
        with Store.open(settings["WENZHENG_STORE"], readonly=True) as store:
            return cls.from_store(store)

    def resolve(self, name: str) -> str | None:
        """Full key for ``tipdm-2549`` or a bare ``2549`` that only one source has; None if unknown."""
        name = name.strip()
        if name in self.keys:
            return name
        matches = self.by_id.get(name, [])
        return matches[0] if len(matches) == 1 else None

    def explain(self, name: str) -> str:
        matches = self.by_id.get(name.strip(), [])
        if len(matches) > 1:
            return f"编号 {name} 不唯一（{'、'.join(sorted(matches))}），请写完整的案件编号"
        return f"数据库中没有案件 {name}"
