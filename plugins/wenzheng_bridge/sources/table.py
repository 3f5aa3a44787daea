"""Table source: CSV and XLSX exports with a column mapping.

Sheets are streamed row by row (openpyxl read-only mode), and a long run of
empty rows ends the sheet, because real exports carry tens of thousands of
empty trailing rows. Rows with the same id across files merge into one petition.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Iterator

from ..config import Option
from ..records import Petition, Reply, SourceError
from .common import (HTML_FIELDS_OPTION, clean_text, infer_type, normalise_type, parse_datetime, places,
                     text_reader, to_int)

# Record field -> column header. A header ending in "?" is optional: files
# without it are fine; a missing required header is an error for that file.
DEFAULT_COLUMNS = {
    "source_id": "留言编号",
    "author": "留言用户?",
    "title": "留言主题",
    "posted": "留言时间",
    "body": "留言详情?",
    "field": "一级分类?",
    "likes": "点赞数?",
    "dislikes": "反对数?",
    "reply_text": "答复意见?",
    "reply_time": "答复时间?",
    "reply_unit": "答复单位?",
    "type": "留言类型?",
    "board": "留言板块?",
    "department": "回复部门?",
    "views": "浏览数?",
    "url": "链接?",
    "state": "状态?",
}
EMPTY_ROWS_END_SHEET = 500
_DISTRICT = re.compile(r"[A-Z]\d+[区县]")
_SAFE_ID = re.compile(r"[\w.\-]{1,64}")


def _paths_check(value) -> str | None:
    return None if value and all(isinstance(p, str) for p in value) else "应为非空的文件路径列表"


class TableSource:
    #: Cells are plain text (a ``<b>`` in a cell is shown as ``<b>``) unless the source
    #: names a column's field in its ``html_fields`` option.
    html_fields: tuple[str, ...] = ()
    options = {
        "paths": Option(list, doc="CSV / XLSX files, relative to pelicanconf.py", check=_paths_check),
        "columns": Option(dict, {}, "record field -> header (added to the defaults; '?' = optional)"),
        "labels": Option(str, "", "XLSX/CSV of the field tree (一级分类, 二级分类, 三级分类)"),
        "board_from_district": Option(bool, False, "board = first district/county named in the title"),
        "encoding": Option(str, "utf-8-sig", "CSV encoding"),
        "html_fields": HTML_FIELDS_OPTION,
    }

    @staticmethod
    def check(values: dict, base: Path) -> list[str]:
        files = list(values.get("paths", [])) + ([values["labels"]] if values.get("labels") else [])
        problems = [f"文件不存在：{base / p}" for p in files if not (base / p).exists()]
        unknown = set(values.get("columns", {})) - set(DEFAULT_COLUMNS)
        if unknown:
            problems.append(f"'columns' 中未知的字段 {sorted(unknown)}（可用：{sorted(DEFAULT_COLUMNS)}）")
        return problems

    def __init__(self, config: dict, base: Path):
        self.config = config
        self.name = config["name"]
        self.base = base
        self.columns = {**DEFAULT_COLUMNS, **config["columns"]}
        self.text = text_reader(set(self.html_fields) | set(config["html_fields"]))

    def labels(self) -> list[tuple[str, str, str]]:
        """The field tree, when configured (the list of fields)."""
        if not self.config["labels"]:
            return []
        rows = read_rows(self.base / self.config["labels"], self.config["encoding"])
        next(rows, None)
        return [
            tuple((clean_text(c) if c is not None else "") for c in (list(row) + ["", "", ""])[:3])
            for _, row in rows
            if row and row[0]
        ]

    def items(self, context=None) -> Iterator[Petition | SourceError]:
        merged: dict[str, Petition] = {}
        for path in self.config["paths"]:
            yield from self._file(self.base / path, merged)
        yield from merged.values()

    def _file(self, path: Path, merged: dict[str, Petition]) -> Iterator[SourceError]:
        rows = read_rows(path, self.config["encoding"])
        header = next(rows, (0, None))[1]
        if not header:
            yield SourceError(self.name, path.name, "表头", "文件为空")
            return
        index = {clean_text(h): i for i, h in enumerate(header) if h is not None}
        where: dict[str, int] = {}
        for field_name, column in self.columns.items():
            optional = column.endswith("?")
            column = column.rstrip("?")
            if column in index:
                where[field_name] = index[column]
            elif not optional:
                yield SourceError(self.name, path.name, field_name, f"表中缺少映射的列“{column}”")
                return
        for line, row in rows:
            cells = {k: (row[i] if i < len(row) else None) for k, i in where.items()}
            try:
                petition = self._petition(cells)
            except SourceError as error:
                error.item = f"{path.name} 第 {line} 行 {error.item}".strip()
                yield SourceError(self.name, error.item, error.field, error.problem)
                continue
            if petition.source_id in merged:
                _merge(merged[petition.source_id], petition)
            else:
                merged[petition.source_id] = petition

    def _petition(self, cells: dict) -> Petition:
        source_id = clean_text(cells.get("source_id"))
        if source_id.endswith(".0"):
            source_id = source_id[:-2]
        if not source_id:
            raise SourceError(self.name, "", "source_id", "缺少编号")
        if not _SAFE_ID.fullmatch(source_id):  # the id is part of the case's URL and file name
            raise SourceError(self.name, "", self.columns["source_id"].rstrip("?"),
                              f"编号 {source_id[:40]!r} 含有不能用于网址的字符（只允许文字、数字、-、_ 和 .）")

        def when(key):
            raw = cells.get(key)
            if raw is None or str(raw).strip() == "":
                return None
            try:
                return parse_datetime(raw)
            except ValueError as error:
                raise SourceError(self.name, f"编号 {source_id}", self.columns[key].rstrip("?"), str(error))

        def number(key):
            try:
                return to_int(cells.get(key))
            except ValueError:
                raise SourceError(self.name, f"编号 {source_id}", self.columns[key].rstrip("?"),
                                  f"不是数字：{cells.get(key)!r}")

        title = self.text("title", cells.get("title"))
        body = self.text("body", cells.get("body"))
        replies = []
        reply_text = self.text("reply_text", cells.get("reply_text"))
        if reply_text:
            replies.append(Reply(text=reply_text, time=when("reply_time"),
                                 unit=self.text("reply_unit", cells.get("reply_unit")), reply_id="1"))
        board = self.text("board", cells.get("board"))
        board = self.config["board_map"].get(board, board)
        if not board and self.config["board_from_district"]:
            match = _DISTRICT.search(title) or _DISTRICT.search(body[:300])
            board = match.group(0) if match else ""
        type_ = normalise_type(clean_text(cells.get("type")), self.config["type_map"]) or infer_type(title, body)
        return Petition(
            source=self.name, source_id=source_id, title=title, body=body,
            posted=when("posted"), url=clean_text(cells.get("url")),
            board=board or self.config["board"],
            department=self.text("department", cells.get("department")) or self.config["department"],
            type=type_, field=self.text("field", cells.get("field")),
            author=self.text("author", cells.get("author")),
            views=number("views"), likes=number("likes"), dislikes=number("dislikes"),
            reply_count=len(replies) if reply_text else None,
            state=self.text("state", cells.get("state")),
            places=places(title + "\n" + body), replies=replies,
        )


def _merge(kept: Petition, other: Petition) -> None:
    """One petition seen in two rows or files: fill gaps, keep extra labels."""
    for name in ("body", "posted", "url", "department", "field", "author", "state",
                 "views", "likes", "dislikes", "reply_count"):
        if getattr(kept, name) in (None, "") and getattr(other, name) not in (None, ""):
            setattr(kept, name, getattr(other, name))
    if other.field and other.field != kept.field:
        kept.extra.setdefault("other_fields", [])
        if other.field not in kept.extra["other_fields"]:
            kept.extra["other_fields"].append(other.field)
    if other.replies and not kept.replies:
        kept.replies = other.replies


def read_rows(path: Path, encoding: str = "utf-8-sig") -> Iterator[tuple[int, tuple]]:
    """Yield (line number, cells) of the first sheet or the CSV, streaming."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _xlsx_rows(path)
    else:
        with open(path, newline="", encoding=encoding) as handle:
            for line, row in enumerate(csv.reader(handle), start=1):
                yield line, tuple(row)


def _xlsx_rows(path: Path) -> Iterator[tuple[int, tuple]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        empty = 0
        for line, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            if all(c is None or str(c).strip() == "" for c in row):
                empty += 1
                if empty >= EMPTY_ROWS_END_SHEET:
                    return
                continue
            empty = 0
            yield line, row
    finally:
        workbook.close()
