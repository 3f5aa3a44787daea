"""Table source: CSV and XLSX exports with a column mapping.

Sheets are streamed row by row (openpyxl read-only mode), and a long run of
empty rows ends the sheet, because real exports carry tens of thousands of
empty trailing rows. Rows with the same id across files merge into one petition.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Iterator

from ..config import Option
from ..records import Petition, Reply, SourceError
from .common import HTML_FIELDS_OPTION, clean_text, petition_type, read_time, text_reader, to_int
from .places import Gazetteer

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
#: Which columns carry each fact (sources.settings.FACTS): a file without any of them cannot
#: tell us that fact, so its rows say so (``extra["knows"]``) and the case view does not guess.
FACT_COLUMNS = {"replies": ("reply_text",), "reply_times": ("reply_time",),
                "departments": ("department", "reply_unit"), "types": ("type",),
                "engagement": ("likes", "dislikes", "views")}
_DISTRICT = re.compile(r"[A-Z]\d+[区县]")
_SAFE_ID = re.compile(r"[\w.\-]{1,64}")


def _paths_check(value) -> str | None:
    return None if value and all(isinstance(p, str) for p in value) else "应为非空的文件路径列表"


def _share_check(value) -> str | None:
    return None if 0 < value <= 1 else "应在 0 和 1 之间（例如 0.5 表示一半）"


class TableSource:
    #: Record field -> header; a kind built on tables (the offline source) adds its own fields.
    default_columns: dict[str, str] = DEFAULT_COLUMNS
    #: Cells are plain text (a ``<b>`` in a cell is shown as ``<b>``) unless the source
    #: names a column's field in its ``html_fields`` option.
    html_fields: tuple[str, ...] = ()
    options = {
        "paths": Option(list, doc="CSV / XLSX files, relative to pelicanconf.py", check=_paths_check),
        "columns": Option(dict, {}, "record field -> header (added to the defaults; '?' = optional)"),
        "labels": Option(str, "", "XLSX/CSV of the field tree (一级分类, 二级分类, 三级分类)"),
        "board_from_places": Option(bool, False, "board = the most local district/county/city the title (else the "
                                    "body) names, read with the gazetteer; marked as inferred with the words"),
        "board_from_district": Option(bool, False, "older rule: board = first coded district/county (A3区) in the "
                                      "title, else the body (临G5县 reads as G5县); marked as inferred"),
        "encoding": Option(str, "", "CSV encoding ('' = detect: UTF-8, UTF-8 with BOM, GB18030)"),
        "sheet": Option((str, int), "", "XLSX sheet: its name, or its number counting from 1 ('' = the first)"),
        "date_formats": Option(list, [], "extra time formats (strptime, e.g. '%d.%m.%Y %H:%M'), tried first"),
        "complete_snapshot": Option(bool, False, "the export always lists every case: trust it even when most cases vanish"),
        "gone_guard": Option((int, float), 0.5, "refuse a pull that would mark more than this share of the source's cases gone",
                             _share_check),
        "html_fields": HTML_FIELDS_OPTION,
    }

    @classmethod
    def check(cls, values: dict, base: Path) -> list[str]:
        files = list(values.get("paths", [])) + ([values["labels"]] if values.get("labels") else [])
        problems = [f"文件不存在：{base / p}" for p in files if not (base / p).exists()]
        unknown = set(values.get("columns", {})) - set(cls.default_columns)
        if unknown:
            problems.append(f"'columns' 中未知的字段 {sorted(unknown)}（可用：{sorted(cls.default_columns)}）")
        return problems

    def __init__(self, config: dict, base: Path):
        self.config = config
        self.name = config["name"]
        self.base = base
        self.columns = {**self.default_columns, **config["columns"]}
        self.gazetteer = Gazetteer(config.get("gazetteer"))
        self.text = text_reader(set(self.html_fields) | set(config["html_fields"]))

    def labels(self) -> list[tuple[str, str, str]]:
        """The field tree, when configured (the list of fields)."""
        if not self.config["labels"]:
            return []
        rows = self._rows(self.base / self.config["labels"], sheet="")
        next(rows, None)
        return [
            tuple((clean_text(c) if c is not None else "") for c in (list(row) + ["", "", ""])[:3])
            for _, row in rows
            if row and row[0]
        ]

    def items(self, context=None) -> Iterator[Petition | SourceError]:
        merged: dict[str, Petition] = {}
        first_seen: dict[str, str] = {}
        for path in self.config["paths"]:
            yield from self._file(self.base / path, merged, first_seen)
        for petition in merged.values():
            # Checked once the files are merged: another file may give the row its title.
            if petition.title:
                yield petition
            else:
                yield SourceError(self.name, f"{first_seen[petition.source_id]} 编号 {petition.source_id}",
                                  self.columns["title"].rstrip("?"), "缺少标题（这一行不会存入）")

    def _rows(self, path: Path, sheet=None) -> Iterator[tuple[int, tuple]]:
        """The file's rows; an unreadable file is one SourceError naming it and what to try."""
        try:
            yield from read_rows(path, self.config["encoding"], self.config["sheet"] if sheet is None else sheet)
        except TableError as error:
            raise SourceError(self.name, str(path), error.option, error.problem) from None

    def _file(self, path: Path, merged: dict[str, Petition], first_seen: dict[str, str]) -> Iterator[SourceError]:
        rows = self._rows(path)
        try:
            header = next(rows, (0, None))[1]
        except SourceError as error:
            yield error
            return
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
        try:
            yield from self._lines(path, rows, where, merged, first_seen)
        except SourceError as error:  # the file broke part way (a truncated XLSX): what was read is kept
            yield error

    def _lines(self, path: Path, rows, where: dict[str, int], merged: dict[str, Petition],
               first_seen: dict[str, str]) -> Iterator[SourceError]:
        knows = sorted(fact for fact, columns in FACT_COLUMNS.items() if any(c in where for c in columns))
        for line, row in rows:
            cells = {k: (row[i] if i < len(row) else None) for k, i in where.items()}
            try:
                petition = self._petition(cells)
            except SourceError as error:
                error.item = f"{path.name} 第 {line} 行 {error.item}".strip()
                yield SourceError(self.name, error.item, error.field, error.problem)
                continue
            petition.extra["knows"] = knows
            if petition.source_id in merged:
                _merge(merged[petition.source_id], petition)
            else:
                merged[petition.source_id] = petition
                first_seen[petition.source_id] = f"{path.name} 第 {line} 行"

    def _time(self, raw, key: str, problems: list[str]) -> tuple | None:
        """(time, date only?) of a cell; None when empty or unreadable (the problem is noted)."""
        if raw is None or str(raw).strip() == "":
            return None
        try:
            return read_time(raw, self.config["date_formats"])
        except ValueError as error:
            # One odd cell must not drop the whole petition: keep it, time unknown, and say so.
            problems.append(f"字段 {self.columns[key].rstrip('?')}：{error}，时间留空（可用 date_formats 指定格式）")
            return None

    def _board(self, given: str, title: str, body: str, inferred: dict) -> str:
        """The row's board, else one read from the text (the evidence goes into ``inferred``)."""
        board = self.config["board_map"].get(given, given)
        if board:
            return board
        if self.config["board_from_places"]:
            board, evidence = self.gazetteer.area(title, body)
            if board:
                inferred["board"] = evidence
            return board
        if self.config["board_from_district"]:
            for where, text in (("标题", title), ("正文", body[:300])):
                if match := _DISTRICT.search(text):
                    inferred["board"] = f"{where}“{match.group(0)}”"
                    return match.group(0)
        return ""

    def _petition(self, cells: dict) -> Petition:
        source_id = clean_text(cells.get("source_id")).removesuffix(".0")  # Excel's numbers: 2549.0
        if not source_id:
            raise SourceError(self.name, "", "source_id", "缺少编号")
        if not _SAFE_ID.fullmatch(source_id):  # the id is part of the case's URL and file name
            raise SourceError(self.name, "", self.columns["source_id"].rstrip("?"),
                              f"编号 {source_id[:40]!r} 含有不能用于网址的字符（只允许文字、数字、-、_ 和 .）")
        problems: list[str] = []
        date_only: list[str] = []

        def when(key, label):
            found = self._time(cells.get(key), key, problems)
            if found and found[1]:
                date_only.append(label)
            return found[0] if found else None

        def number(key):
            try:
                return to_int(cells.get(key))
            except ValueError:
                raise SourceError(self.name, f"编号 {source_id}", self.columns[key].rstrip("?"),
                                  f"不是数字：{cells.get(key)!r}") from None

        title = self.text("title", cells.get("title"))
        body = self.text("body", cells.get("body"))
        replies = []
        reply_text = self.text("reply_text", cells.get("reply_text"))
        if reply_text:
            replies.append(Reply(text=reply_text, time=when("reply_time", "reply:1"),
                                 unit=self.text("reply_unit", cells.get("reply_unit")), reply_id="1"))
        type_, inferred = petition_type(clean_text(cells.get("type")), self.config["type_map"], title, body)
        board = self._board(self.text("board", cells.get("board")), title, body, inferred)
        petition = Petition(
            source=self.name, source_id=source_id, title=title, body=body,
            posted=when("posted", "posted"), url=clean_text(cells.get("url")),
            board=board or self.config["board"],
            department=self.text("department", cells.get("department")) or self.config["department"],
            type=type_, field=self.text("field", cells.get("field")),
            author=self.text("author", cells.get("author")),
            views=number("views"), likes=number("likes"), dislikes=number("dislikes"),
            reply_count=len(replies) if reply_text else None,
            state=self.text("state", cells.get("state")),
            places=self.gazetteer.places(title + "\n" + body), replies=replies,
            extra={"inferred": inferred} if inferred else {},
        )
        if problems:
            petition.extra["problems"] = problems
        if date_only:
            petition.extra["date_only"] = date_only
        return petition


def _merge(kept: Petition, other: Petition) -> None:
    """One petition seen in two rows or files: fill gaps, keep extra labels."""
    for name in ("title", "body", "posted", "url", "department", "field", "author", "state",
                 "views", "likes", "dislikes", "reply_count"):
        if getattr(kept, name) in (None, "") and getattr(other, name) not in (None, ""):
            setattr(kept, name, getattr(other, name))
    if other.field and other.field != kept.field:
        kept.extra.setdefault("other_fields", [])
        if other.field not in kept.extra["other_fields"]:
            kept.extra["other_fields"].append(other.field)
    if other.replies and not kept.replies:
        kept.replies = other.replies
    # Two files together know what either knows.
    kept.extra["knows"] = sorted(set(kept.extra.get("knows", [])) | set(other.extra.get("knows", [])))


class TableError(Exception):
    """A file that cannot be read as a table: the problem and the option that may help."""

    def __init__(self, problem: str, option: str = "文件"):
        self.problem, self.option = problem, option
        super().__init__(problem)


# Excel writes control characters in cells as _xHHHH_ (ECMA-376 ST_Xstring); openpyxl keeps them.
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_ENCODINGS = ("utf-8-sig", "gb18030")


def unescape_excel(value):
    if isinstance(value, str) and "_x" in value:
        return _EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
    return value


def read_rows(path: Path, encoding: str = "", sheet: str | int = "") -> Iterator[tuple[int, tuple]]:
    """Yield (line number, cells) of a sheet or the CSV, streaming; TableError when unreadable."""
    if path.is_file() and path.stat().st_size == 0:
        raise TableError("文件是空的（0 字节）；请重新导出")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path, sheet)
    else:
        rows = _csv_rows(path, encoding)
    for line, row in rows:
        yield line, tuple(unescape_excel(c) for c in row)


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, tuple]]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TableError(f"无法读取文件：{error.strerror or error}") from None
    if b"\x00" in data[:65536]:
        raise TableError("不是文本表格（含二进制内容）；CSV 须为文本，Excel 文件须以 .xlsx 结尾")
    text = _decode(data, encoding)
    try:
        # newline="": a quoted cell keeps its own line breaks (paragraphs, numbered points)
        for line, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            yield line, tuple(row)
    except csv.Error as error:
        raise TableError(f"CSV 格式有误：{error}") from None


def _decode(data: bytes, encoding: str) -> str:
    """The declared encoding, or the first of UTF-8 (with or without BOM) and GB18030 that fits."""
    for name in ([encoding] if encoding else _ENCODINGS):
        try:
            return data.decode(name)
        except UnicodeDecodeError as error:
            if encoding:
                raise TableError(f"不是 {encoding} 编码（第 {error.start} 字节起无法解码）；"
                                 f"请改正来源的 'encoding' 设置（如 'gb18030' 或 'utf-8'），或删去它自动识别",
                                 "encoding") from None
        except LookupError:
            raise TableError(f"未知的编码 {encoding!r}", "encoding") from None
    raise TableError("既不是 UTF-8 也不是 GB18030 编码；请在来源设置 'encoding' 指定文件的编码", "encoding")


def _xlsx_rows(path: Path, sheet: str | int) -> Iterator[tuple[int, tuple]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # zipfile, XML and openpyxl errors alike: the file is not a whole workbook
        raise TableError(f"无法读取 Excel 文件（{type(error).__name__}: {error}）；文件可能不完整或已损坏，请重新导出") from None
    try:
        worksheet = _sheet(workbook, sheet)
        empty = 0
        try:
            for line, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
                if all(c is None or str(c).strip() == "" for c in row):
                    empty += 1
                    if empty >= EMPTY_ROWS_END_SHEET:
                        return
                    continue
                empty = 0
                yield line, row
        except Exception as error:
            raise TableError(f"Excel 文件读到一半出错（{type(error).__name__}: {error}）；文件可能不完整，请重新导出") from None
    finally:
        workbook.close()


def _sheet(workbook, sheet: str | int):
    names = workbook.sheetnames
    if sheet in ("", None):
        if not names:
            raise TableError("Excel 文件中没有工作表")
        return workbook.worksheets[0]
    if isinstance(sheet, int) and 1 <= sheet <= len(names):
        return workbook.worksheets[sheet - 1]
    if sheet in names:
        return workbook[sheet]
    raise TableError(f"没有工作表 {sheet!r}（共 {len(names)} 张：{'、'.join(names)}）", "sheet")
