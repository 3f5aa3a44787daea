"""JSON API source: a leader-message-board style list API with a field mapping.

Items come newest first, paged by a cursor (the last ``tid`` of the previous
page). A pull walks from the top down to the watermark (the newest tid of the
last completed walk), so an unchanged source costs one request. The walk's
position is fetch state committed with the items it covers: a killed pull
resumes where it stopped, finishes that walk, then starts a new one.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator
from urllib.parse import urlencode, urlsplit, urlunsplit, parse_qsl

from ..config import Option
from ..fetching import FetchError, http_url_problem
from ..records import SHANGHAI, Petition, Reply, SourceError
from .common import (HTML_FIELDS_OPTION, clean_text, infer_type, normalise_type, parse_datetime, places,
                     text_reader, to_int)

# Record field -> JSON key (DESIGN.md "Leader message board JSON"); "" = not in this API.
DEFAULT_FIELDS = {
    "source_id": "tid", "title": "subject", "body": "content", "author": "nickName",
    "posted": "dateline", "board": "domainName", "type": "typeName", "state": "stateInfo",
    "reply_text": "answerContent", "reply_time": "answerDateline", "reply_unit": "answerOrganization",
    "likes": "favNum", "views": "", "department": "", "url": "",
}


def _fields_problem(value) -> str | None:
    unknown = set(value) - set(DEFAULT_FIELDS)
    return f"未知的字段 {sorted(unknown)}（可用：{sorted(DEFAULT_FIELDS)}）" if unknown else None


def to_time(value) -> datetime | None:
    """Unix seconds (number or digits, as ``dateline``) or a text date; None when empty."""
    if value is None or str(value).strip() in ("", "0"):
        return None
    if isinstance(value, (int, float)) or str(value).strip().isdigit():
        seconds = float(value)
        if seconds > 1e11:  # milliseconds
            seconds /= 1000
        return datetime.fromtimestamp(seconds, tz=timezone.utc).astimezone(SHANGHAI)
    return parse_datetime(value)


class JsonApiSource:
    #: JSON strings are plain text unless the source names the field in its ``html_fields`` option.
    html_fields: tuple[str, ...] = ()
    snapshot = False  # a walk stops at the watermark: absence never means gone
    options = {
        "url": Option(str, doc="list API URL (may carry fixed query parameters such as fid)", check=http_url_problem),
        "fields": Option(dict, {}, "record field -> JSON key (added to the defaults)", check=_fields_problem),
        "items_path": Option(str, "responseData", "dotted path of the item list in the response"),
        "cursor_param": Option(str, "lastItem", "query parameter carrying the last tid of the previous page"),
        "page_size": Option(int, 20, "items per request"),
        "page_size_param": Option(str, "pageSize", "query parameter of the page size ('' = none)"),
        "item_url": Option(str, "", "web page of an item, e.g. https://host/threads/content?tid={tid}"),
        "max_pages": Option(int, 10000, "stop a walk after this many pages"),
        "html_fields": HTML_FIELDS_OPTION,
    }

    def __init__(self, config: dict, base: Path):
        self.config = config
        self.name = config["name"]
        self.fields = {**DEFAULT_FIELDS, **config["fields"]}
        self.text = text_reader(set(self.html_fields) | set(config["html_fields"]))

    def page_url(self, cursor: int | None) -> str:
        parts = urlsplit(self.config["url"])
        query = dict(parse_qsl(parts.query))
        if self.config["page_size_param"]:
            query[self.config["page_size_param"]] = str(self.config["page_size"])
        if cursor is not None:
            query[self.config["cursor_param"]] = str(cursor)
        return urlunsplit(parts._replace(query=urlencode(query)))

    def items(self, context) -> Iterator[Petition | SourceError]:
        watermark = context.state("watermark")
        walk = context.state("walk")
        if walk:  # an interrupted walk: finish it first, down to the old watermark
            done = yield from self._walk(context, walk, watermark)
            if not done:
                return
            watermark = _max(watermark, walk["top"])
            context.set_state("watermark", watermark)
            context.set_state("walk", None)
        walk = {"top": None, "cursor": None}
        done = yield from self._walk(context, walk, watermark)
        if done and walk["top"] is not None and walk["top"] != watermark:
            context.set_state("watermark", _max(watermark, walk["top"]))
            context.set_state("walk", None)

    def _walk(self, context, walk: dict, watermark: int | None):
        """Yield items from ``walk['cursor']`` down to ``watermark``; return True when the walk ended."""
        for _ in range(self.config["max_pages"]):
            url = self.page_url(walk["cursor"])
            try:
                rows = self._rows(context.fetch(url).text, url)
            except FetchError as error:
                yield SourceError(self.name, url, "列表接口", error.problem)
                return False
            except SourceError as error:
                yield error
                return False
            if not rows:
                return True
            for index, raw in enumerate(rows, start=1):
                tid = self._tid(raw)
                if tid is not None and watermark is not None and tid <= watermark:
                    return True
                if tid is not None and walk["top"] is None:
                    walk["top"] = tid
                yield self._item(raw, tid, f"{url} 第 {index} 条")
                if tid is not None:
                    walk["cursor"] = tid
            if walk["top"] is not None:
                context.set_state("walk", walk)  # committed with the items above
            if self._tid(rows[-1]) is None:
                yield SourceError(self.name, url, self.fields["source_id"], "本页最后一条没有编号，无法翻页")
                return False
        return False

    def _rows(self, text: str, url: str) -> list:
        try:
            data = json.loads(text)
        except ValueError as error:
            raise SourceError(self.name, url, "JSON", f"无法解析：{error}") from None
        for key in filter(None, self.config["items_path"].split(".")):
            if not isinstance(data, dict) or key not in data:
                raise SourceError(self.name, url, self.config["items_path"], "响应中没有这个字段")
            data = data[key]
        if data is None:
            return []
        if not isinstance(data, list):
            raise SourceError(self.name, url, self.config["items_path"], f"应为列表，实际是 {type(data).__name__}")
        return data

    def _tid(self, raw) -> int | None:
        try:
            return int(str(raw.get(self.fields["source_id"])).strip())
        except (AttributeError, TypeError, ValueError):
            return None

    def _get(self, raw: dict, field_name: str):
        key = self.fields[field_name]
        return raw.get(key) if key else None

    def _item(self, raw, tid: int | None, item: str) -> Petition | SourceError:
        if not isinstance(raw, dict):
            return SourceError(self.name, item, "条目", f"应为对象，实际是 {type(raw).__name__}")
        if tid is None:
            return SourceError(self.name, item, self.fields["source_id"], f"缺少或无效的编号：{raw.get(self.fields['source_id'])!r}")
        item = f"编号 {tid}"
        try:
            return self._petition(raw, tid)
        except (ValueError, TypeError, OverflowError) as error:
            field_name = getattr(error, "field_name", "")
            return SourceError(self.name, item, field_name or "?", str(error))

    def _value(self, raw, field_name: str, convert):
        try:
            return convert(self._get(raw, field_name))
        except (ValueError, TypeError, OverflowError, OSError) as error:
            problem = ValueError(f"无法识别的值 {self._get(raw, field_name)!r}（{error}）")
            problem.field_name = self.fields[field_name]
            raise problem from None

    def _petition(self, raw: dict, tid: int) -> Petition:
        title = self.text("title", self._get(raw, "title"))
        if not title:
            error = ValueError("缺少标题")
            error.field_name = self.fields["title"]
            raise error
        body = self.text("body", self._get(raw, "body"))
        replies = []
        answer = self.text("reply_text", self._get(raw, "reply_text"))
        if answer:
            replies.append(Reply(text=answer, time=self._value(raw, "reply_time", to_time),
                                 unit=self.text("reply_unit", self._get(raw, "reply_unit")), reply_id="1"))
        board = self.text("board", self._get(raw, "board"))
        board = self.config["board_map"].get(board, board) or self.config["board"]
        url = clean_text(self._get(raw, "url")) or (self.config["item_url"].format(tid=tid) if self.config["item_url"] else "")
        return Petition(
            source=self.name, source_id=str(tid), title=title, body=body,
            posted=self._value(raw, "posted", to_time), url=url, board=board,
            department=self.text("department", self._get(raw, "department")) or self.config["department"],
            type=normalise_type(clean_text(self._get(raw, "type")), self.config["type_map"]) or infer_type(title, body),
            author=self.text("author", self._get(raw, "author")), state=self.text("state", self._get(raw, "state")),
            likes=self._value(raw, "likes", to_int), views=self._value(raw, "views", to_int),
            reply_count=len(replies), places=places(title + "\n" + body), replies=replies,
        )


def _max(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)
