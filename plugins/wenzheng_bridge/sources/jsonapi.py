"""JSON API source: a leader-message-board style list API with a field mapping.

Items come newest first, paged by a cursor (the last ``tid`` of the previous
page), by GET or POST (a form or a JSON body). A pull walks from the top down
to the watermark (the newest tid of the last completed walk), then reads
``revisit_pages`` more pages of stored items, so a later reply or state
change shown in the list arrives. A list row is remembered by its digest: an
unchanged row is not stored again, a changed one is. The walk's position is
fetch state committed with the items it covers: a killed pull resumes where it
stopped, finishes that walk, then starts a new one.

With ``detail_url`` an item is opened when its list body is cut short ("…")
or its row changed, and open items (state not in ``final_states``, posted in
the last ``revisit_days``) are reopened, at most ``revisit_limit`` per pull,
least recently checked first: the bounded cost of seeing replies that the
list does not show.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..config import Option
from ..fetching import FetchError, http_url_problem
from ..records import SATISFACTION_EXTRA, SHANGHAI, Petition, Reply, SourceError
from .base import FACTS, SourceAdapter
from .common import HTML_FIELDS_OPTION, clean_text, petition_type, places, read_time, text_reader, to_int

# Record field -> JSON key (DESIGN.md "Leader message board JSON", the 人民网 list API's
# real keys: forumName is the board, domainName the topic (领域)); "" = not in this API.
DEFAULT_FIELDS = {
    "source_id": "tid", "title": "subject", "body": "content", "author": "nickName",
    "posted": "dateline", "board": "forumName", "field": "domainName", "type": "typeName",
    "state": "stateInfo", "reply_text": "answerContent", "reply_time": "answerDateline",
    "reply_unit": "answerOrganization", "likes": "favNum", "dislikes": "", "views": "", "department": "", "url": "",
    "satisfaction": "",  # the resident's rating of the handling, where the API has one
}
#: A platform's satisfaction words onto the 回访 scale (records.SATISFACTION).
SATISFACTION_WORDS = {"非常满意": "满意", "满意": "满意", "基本满意": "基本满意", "比较满意": "基本满意",
                      "不满意": "不满意", "很不满意": "不满意", "非常不满意": "不满意"}
# The platform's own type labels (added under the source's type_map).
DEFAULT_TYPE_MAP = {"投诉/求助": "诉求", "投诉": "诉求", "求助": "诉求", "建言": "建议", "建言献策": "建议",
                    "咨询": "咨询", "举报": "举报"}
DEFAULT_FINAL_STATES = ["已办理", "已办结", "办结", "已解决", "已完成"]
_CUT_MARKS = ("…", "...")


def _satisfaction(value) -> str:
    """The platform's rating on the 回访 scale; "" for none; a word it does not know is an error."""
    word = clean_text(value) if value is not None else ""
    if word and word not in SATISFACTION_WORDS:
        raise ValueError(f"满意度应为 {'、'.join(SATISFACTION_WORDS)} 之一")
    return SATISFACTION_WORDS.get(word, "")


def _fields_problem(value) -> str | None:
    unknown = set(value) - set(DEFAULT_FIELDS)
    return f"未知的字段 {sorted(unknown)}（可用：{sorted(DEFAULT_FIELDS)}）" if unknown else None


def _detail_url_problem(value) -> str | None:
    return http_url_problem(value) if value else None


def _at_least_one(value) -> str | None:
    return None if value >= 1 else "至少为 1"


def _not_negative(value) -> str | None:
    return None if value >= 0 else "不能为负数"


def to_time(value) -> tuple[datetime, bool] | None:
    """Unix seconds (number or digits, as ``dateline``) or a text date; None when empty."""
    if value is None or str(value).strip() in ("", "0"):
        return None
    if isinstance(value, (int, float)) or str(value).strip().isdigit():
        seconds = float(value)
        if seconds > 1e11:  # milliseconds
            seconds /= 1000
        return datetime.fromtimestamp(seconds, tz=timezone.utc).astimezone(SHANGHAI), False
    return read_time(value)


def is_cut(text: str) -> bool:
    """A list body shortened by the platform ends with an ellipsis."""
    return text.rstrip().endswith(_CUT_MARKS)


class JsonApiSource(SourceAdapter):
    # JSON strings are plain text unless the source names the field in its ``html_fields`` option.
    # Not a snapshot: a walk stops at the watermark, so absence never means gone.
    options = {
        "url": Option(str, doc="list API URL (may carry fixed query parameters such as fid)", check=http_url_problem),
        "method": Option(str, "GET", "GET or POST for the list (and detail) requests", choices=("GET", "POST")),
        "post_body": Option(str, "form", "how a POST sends its parameters: form or json", choices=("form", "json")),
        "params": Option(dict, {}, "fixed parameters sent with every list request (query for GET, body for POST)"),
        "fields": Option(dict, {}, "record field -> JSON key (added to the defaults)", check=_fields_problem),
        "items_path": Option(str, "responseData", "dotted path of the item list in the response"),
        "cursor_param": Option(str, "lastItem", "parameter carrying the last tid of the previous page"),
        "page_size": Option(int, 20, "items per request", _at_least_one),
        "page_size_param": Option(str, "pageSize", "parameter of the page size ('' = none)"),
        "item_url": Option(str, "", "web page of an item, e.g. https://host/threads/content?tid={tid}"),
        "detail_url": Option(str, "", "JSON detail endpoint of an item, e.g. https://host/api/thread?tid={tid}",
                             _detail_url_problem),
        "detail_param": Option(str, "tid", "body parameter carrying the tid when a detail request is a POST"),
        "detail_path": Option(str, "responseData", "dotted path of the item object in a detail response"),
        "final_states": Option(list, DEFAULT_FINAL_STATES, "states after which an item is not reopened"),
        "revisit_pages": Option(int, 1, "list pages read past the watermark each pull (the page where it is "
                                        "crossed counts); their changed rows are stored again", _not_negative),
        "revisit_days": Option(int, 60, "reopen open items posted in the last N days (with detail_url)", _not_negative),
        "revisit_limit": Option(int, 50, "at most this many detail requests for reopening per pull", _not_negative),
        "max_pages": Option(int, 10000, "stop a walk after this many pages", _at_least_one),
        "html_fields": HTML_FIELDS_OPTION,
    }

    @classmethod
    def knows(cls, config: dict) -> frozenset[str]:
        """Every fact but those whose field the entry maps to '' (the API does not have it)."""
        fields = config.get("fields") or {}
        absent = {fact for fact, name in (("replies", "reply_text"), ("reply_times", "reply_time"), ("types", "type"))
                  if fields.get(name) == ""}
        return frozenset(FACTS) - absent

    def __init__(self, config: dict, base: Path):
        super().__init__(config, base)
        self.fields = {**DEFAULT_FIELDS, **config["fields"]}
        self.type_map = {**DEFAULT_TYPE_MAP, **config["type_map"]}
        self.text = text_reader(set(self.html_fields) | set(config["html_fields"]))

    # -- requests -----------------------------------------------------------
    def page_params(self, cursor: int | None) -> dict:
        params = {k: str(v) for k, v in self.config["params"].items()}
        if self.config["page_size_param"]:
            params[self.config["page_size_param"]] = str(self.config["page_size"])
        if cursor is not None:
            params[self.config["cursor_param"]] = str(cursor)
        return params

    def page_url(self, cursor: int | None) -> str:
        """The list page URL as a GET sends it (for POST: the URL, parameters in the body)."""
        if self.config["method"] == "POST":
            return self.config["url"]
        return _with_query(self.config["url"], self.page_params(cursor))

    def _request(self, context, url: str, params: dict) -> str:
        """GET ``url`` as is, or POST ``params`` to it; the decoded body."""
        if self.config["method"] == "GET":
            return context.fetch(url).text
        if self.config["post_body"] == "json":
            body, ctype = json.dumps(params, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8"
        else:
            body, ctype = urlencode(params).encode("utf-8"), "application/x-www-form-urlencoded; charset=UTF-8"
        return context.post(url, body, ctype).text

    def _where(self, url: str, params: dict) -> str:
        """A request as the user can find it in a message (POST parameters shown after the URL)."""
        if self.config["method"] == "GET" or not params:
            return url
        return f"{url}（POST {urlencode(params)}）"

    # -- the walk ------------------------------------------------------------
    def items(self, context) -> Iterator[Petition | SourceError]:
        self._seen: set[int] = set()
        self._now = context.now
        self._queue = {int(k): v for k, v in (context.state("revisit") or {}).items()}
        try:
            yield from self._walks(context)
            yield from self._reopen(context)
        finally:
            if self.config["detail_url"]:
                context.set_state("revisit", {str(k): v for k, v in self._queue.items()} or None)

    def _walks(self, context):
        watermark = context.state("watermark")
        walk = context.state("walk")
        if walk:  # an interrupted walk: finish it first, down to the old watermark
            done = yield from self._walk(context, walk, watermark, revisit=0)
            if not done:
                return
            watermark = _max(watermark, walk["top"])
            context.set_state("watermark", watermark)
            context.set_state("walk", None)
        walk = {"top": None, "cursor": None}
        done = yield from self._walk(context, walk, watermark, revisit=self.config["revisit_pages"])
        if done and walk["top"] is not None and walk["top"] != watermark:
            context.set_state("watermark", _max(watermark, walk["top"]))
            context.set_state("walk", None)

    def _walk(self, context, walk: dict, watermark: int | None, revisit: int):
        """Yield items from ``walk['cursor']`` down to ``watermark``, then ``revisit`` pages more.

        Return True when the walk ended (the end of the list or the watermark reached).
        """
        below = 0  # pages read below the watermark (already stored items)
        for _ in range(self.config["max_pages"]):
            cursor = walk["cursor"]
            where, rows = yield from self._list_page(context, cursor)
            if rows is None:
                return False
            if not rows:
                return True
            first = self._tid(rows[0])
            if cursor is not None and first is not None and first >= cursor:
                yield self._stalled(where, cursor)
                return False
            stored = watermark is not None and first is not None and first <= watermark
            if stored and below >= revisit:
                return True
            stored, crossed = yield from self._page_items(context, rows, where, walk, watermark, stored,
                                                          enough=below >= revisit)
            if crossed:
                return True
            if walk["top"] is not None and not stored:
                context.set_state("walk", walk)  # committed with the items above
            if self._tid(rows[-1]) is None:
                yield SourceError(self.name, where, self.fields["source_id"], "本页最后一条没有编号，无法翻页")
                return False
            if walk["cursor"] == cursor:
                yield self._stalled(where, cursor)
                return False
            below += stored
            if stored and below >= revisit:
                return True
        yield SourceError(self.name, self.config["url"], "max_pages",
                          f"已读 {self.config['max_pages']} 页仍未读完，本次停止（下次拉取从停下处继续）")
        return False

    def _list_page(self, context, cursor):
        """(where, rows) of the list page at ``cursor``; rows is None once its error was yielded."""
        params = self.page_params(cursor)
        url = self.page_url(cursor)
        where = self._where(url, params)
        try:
            return where, self._rows(self._request(context, url, params), where)
        except FetchError as error:
            yield SourceError(self.name, where, "列表接口", error.problem)
        except SourceError as error:
            yield error
        return where, None

    def _page_items(self, context, rows: list, where: str, walk: dict, watermark: int | None, stored: bool,
                    enough: bool):
        """Yield a page's items; return (stored?, crossed?): crossed when the walk meets the watermark
        with ``enough`` pages revisited, so the rest is known already."""
        for index, raw in enumerate(rows, start=1):
            tid = self._tid(raw)
            if tid is not None and watermark is not None and tid <= watermark and not stored:
                stored = True
                if enough:
                    return stored, True
            if tid is not None and walk["top"] is None and not stored:
                walk["top"] = tid
            yield from self._row(context, raw, tid, f"{where} 第 {index} 条")
            if tid is not None:
                walk["cursor"] = tid
        return stored, False

    def _stalled(self, where: str, cursor) -> SourceError:
        return SourceError(self.name, where, self.config["cursor_param"],
                           f"翻页没有前进：按 {self.config['cursor_param']}={cursor} 取下一页，服务器仍返回同一批条目，"
                           "已停止本次遍历（请检查 cursor_param 是否是该接口的翻页参数）")

    def _row(self, context, raw, tid: int | None, item: str):
        """One list row: skipped when unchanged since last seen; opened in detail when cut short or changed."""
        if not isinstance(raw, dict) or tid is None:
            yield self._item(raw, tid, item)
            return
        self._seen.add(tid)
        digest, last = _digest(raw), context.state(f"row:{tid}")
        if last == digest:
            return
        known = last is not None
        cut = is_cut(str(self._get(raw, "body") or ""))
        detail_ok = True
        if self.config["detail_url"] and (known or cut):
            raw, error = self._with_detail(context, raw, tid)
            if error:
                detail_ok = False
                yield error
                if known and cut:  # the stored full text must not give way to the list's cut one
                    return
        petition = self._item(raw, tid, item)
        yield petition
        if isinstance(petition, Petition):
            self._track(petition, tid)
            if detail_ok:  # a failed detail is tried again next time the row is read
                context.set_state(f"row:{tid}", digest)

    def _with_detail(self, context, raw: dict, tid: int) -> tuple[dict, SourceError | None]:
        """The list row with the detail response's fields over it, or the row and the error."""
        url = self.config["detail_url"].format(tid=tid)
        params = {self.config["detail_param"]: str(tid)}
        where = self._where(url, params)
        try:
            data = json.loads(self._request(context, url, params))
            for key in filter(None, self.config["detail_path"].split(".")):
                data = data[key]
            if not isinstance(data, dict):
                raise TypeError(type(data).__name__)
        except FetchError as error:
            return raw, SourceError(self.name, f"编号 {tid}", "详情接口", f"{error.problem}（{where}）；先保留列表中的内容，下次再取")
        except (ValueError, KeyError, TypeError) as error:
            return raw, SourceError(self.name, f"编号 {tid}", self.config["detail_path"] or "详情接口",
                                    f"详情响应无法识别（{type(error).__name__}: {error}）：{where}")
        return {**raw, **{k: v for k, v in data.items() if v not in (None, "")}}, None

    # -- reopening open items --------------------------------------------------
    def _track(self, petition: Petition, tid: int) -> None:
        """Queue an open item for reopening; drop a closed or old one."""
        if not self.config["detail_url"]:
            return
        open_ = petition.state not in self.config["final_states"] or petition.extra.get("truncated")
        if open_ and petition.posted and petition.posted >= self._horizon():
            self._queue[tid] = {"posted": petition.posted.isoformat(), "checked": self._now.isoformat()}
        else:
            self._queue.pop(tid, None)

    def _horizon(self) -> datetime:
        return self._now - timedelta(days=self.config["revisit_days"])

    def _reopen(self, context):
        """Reopen the least recently checked open items not read in this pull, up to ``revisit_limit``."""
        if not self.config["detail_url"]:
            return
        horizon = self._horizon().isoformat()
        for tid in [t for t, v in self._queue.items() if v["posted"] < horizon]:
            del self._queue[tid]
        due = sorted((t for t in self._queue if t not in self._seen), key=lambda t: self._queue[t]["checked"])
        for tid in due[: self.config["revisit_limit"]]:
            base = {self.fields["source_id"]: tid}
            raw, error = self._with_detail(context, base, tid)
            if error:
                yield error
                continue
            petition = self._item(raw, tid, f"编号 {tid}")
            yield petition
            if isinstance(petition, Petition):
                self._track(petition, tid)

    # -- one item --------------------------------------------------------------
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
        date_only: list[str] = []
        posted = self._time(raw, "posted", "posted", date_only)
        replies = []
        answer = self.text("reply_text", self._get(raw, "reply_text"))
        if answer:
            replies.append(Reply(text=answer, time=self._time(raw, "reply_time", "reply:1", date_only),
                                 unit=self.text("reply_unit", self._get(raw, "reply_unit")), reply_id="1"))
        board = self.text("board", self._get(raw, "board"))
        board = self.config["board_map"].get(board, board) or self.config["board"]
        type_, inferred = petition_type(clean_text(self._get(raw, "type")), self.type_map, title, body)
        url = clean_text(self._get(raw, "url")) or (self.config["item_url"].format(tid=tid) if self.config["item_url"] else "")
        petition = Petition(
            source=self.name, source_id=str(tid), title=title, body=body, posted=posted, url=url, board=board,
            department=self.text("department", self._get(raw, "department")) or self.config["department"],
            type=type_, extra={"inferred": inferred} if inferred else {},
            field=self.text("field", self._get(raw, "field")),
            author=self.text("author", self._get(raw, "author")), state=self.text("state", self._get(raw, "state")),
            likes=self._value(raw, "likes", to_int), dislikes=self._value(raw, "dislikes", to_int),
            views=self._value(raw, "views", to_int),
            reply_count=len(replies), places=places(title + "\n" + body), replies=replies,
        )
        if is_cut(body):
            petition.extra["truncated"] = True
        rating = self._value(raw, "satisfaction", _satisfaction)
        if rating:
            petition.extra[SATISFACTION_EXTRA] = rating
        if date_only:
            petition.extra["date_only"] = date_only
        return petition

    def _time(self, raw: dict, field_name: str, label: str, date_only: list[str]) -> datetime | None:
        found = self._value(raw, field_name, to_time)
        if found is None:
            return None
        if found[1]:
            date_only.append(label)
        return found[0]


def _digest(raw: dict) -> str:
    return hashlib.sha1(json.dumps(raw, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")).hexdigest()[:16]


def _with_query(url: str, params: dict) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=urlencode({**dict(parse_qsl(parts.query)), **params})))


def _max(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)
