"""Forum HTML source: Discuz! X3.4 board list pages and thread pages (BeautifulSoup + lxml).

A pull walks each board's list pages, newest last post first. The second
``td.by`` of a row (last poster, last-post time) with the reply count is the
thread's signature: a thread whose signature is unchanged since the last pull
is not opened, so an unchanged board costs its list pages only, and once a
board has been walked to the end, paging stops at the first page with no
changed thread. Paging ends at ``共 N 页`` or when a page repeats (Discuz!
answers a page past the end with page 1).

The thread page gives the exact post time and full text; the first post is
the petition, posts by the configured spokesperson accounts are its replies,
later posts by the petition's own author are its 网友补充. Relative dates
("3 小时前", "昨天 10:20", "5 天前") are resolved against the fetch time,
preferring the absolute date Discuz! puts in the span's title.

The board is the list page's board name (its ``h1``); a thread page read on
its own (a recheck, a feed item) names it in the breadcrumb's board link, the
one before the thread's own link, which ends the breadcrumb on X3.4. Sticky
threads (``stickthread_``: the admins' notices) and announcements are not
petitions and are skipped. Edits change nothing on the list but the title, so
stored threads are read again by the recheck policy (recheck.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterator
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from ..config import Option
from ..fetching import FetchError, http_url_problem
from ..records import SHANGHAI, Gone, Petition, Reply, SourceError, Supplement
from . import recheck
from .base import SourceAdapter, spokesperson_facts
from .common import clean_text, parse_datetime, petition_type, places, to_int

_RELATIVE = [
    (re.compile(r"(\d+)\s*秒前"), lambda now, m: now - timedelta(seconds=int(m[1]))),
    (re.compile(r"(\d+)\s*分钟前"), lambda now, m: now - timedelta(minutes=int(m[1]))),
    (re.compile(r"半小时前"), lambda now, m: now - timedelta(minutes=30)),
    (re.compile(r"(\d+)\s*小时前"), lambda now, m: now - timedelta(hours=int(m[1]))),
    (re.compile(r"刚刚"), lambda now, m: now),
    (re.compile(r"昨天\s*(\d{1,2}):(\d{2})"), lambda now, m: _day(now, 1, m[1], m[2])),
    (re.compile(r"前天\s*(\d{1,2}):(\d{2})"), lambda now, m: _day(now, 2, m[1], m[2])),
    (re.compile(r"(\d+)\s*天前"), lambda now, m: _day(now, int(m[1]), 0, 0)),
]
_TOTAL_PAGES = re.compile(r"共\s*(\d+)\s*页")
_ROW_ID = re.compile(r"^(normal|stick)thread_(\d+)$")
_POST_ID = re.compile(r"^post_(\d+)$")
_BOARD_LINK = re.compile(r"mod=forumdisplay&(?:amp;)?fid=(\d+)|(?:^|/)forum-(\d+)-\d+\.html")
_THREAD_LINK = re.compile(r"mod=viewthread|(?:^|/)thread-\d+-")
_TYPE_LINK = re.compile(r"filter=typeid")
# Discuz!'s message for a deleted (or hidden) thread: a 200 page, not a 404.
_DELETED = "指定的主题不存在或已被删除或正在被审核"
# Block elements whose ends are line breaks in the text (<p> from the editor, <li> of lists).
_BLOCKS = ["p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"]
_BLOCK_END = "\x00"
_BLOCK_ENDS = re.compile(r"\x00(?:[ \t]*\x00)*")


def _day(now: datetime, back: int, hour, minute) -> datetime:
    day = (now - timedelta(days=back)).date()
    return datetime(day.year, day.month, day.day, int(hour), int(minute), tzinfo=SHANGHAI)


def discuz_time(text: str, title: str, now: datetime) -> datetime:
    """A Discuz! date: the span title if it is a date, else the (maybe relative) text. ValueError if neither."""
    for candidate in (title, text):
        candidate = clean_text(candidate).replace("发表于", "").strip()
        if not candidate:
            continue
        for pattern, resolve in _RELATIVE:
            match = pattern.search(candidate)
            if match:
                return resolve(now.astimezone(SHANGHAI), match)
        try:
            return parse_datetime(candidate)
        except ValueError:
            continue
    raise ValueError(f"无法识别的时间 {clean_text(title or text)!r}")


def _stamp(tag, now: datetime) -> datetime:
    """Time in an <em> holding either text or <span title="...">relative</span>."""
    span = tag.find("span", title=True)
    return discuz_time(tag.get_text(" "), span["title"] if span else "", now)


@dataclass
class ThreadRow:
    """One row of a board list page."""

    tid: str
    subject: str
    author: str = ""
    posted: datetime | None = None
    replies: int | None = None
    views: int | None = None
    last_poster: str = ""
    last_post: datetime | None = None
    sticky: bool = False
    type_name: str = ""

    @property
    def signature(self) -> str:
        """What changes when someone posts in the thread (read from the list, without opening it)."""
        last = self.last_post.isoformat() if self.last_post else ""
        return f"{self.replies}|{self.last_poster}|{last}"


@dataclass
class BoardPage:
    board: str
    rows: list[ThreadRow]
    pages: int | None


@dataclass
class PostData:
    pid: str
    author: str
    time: datetime | None
    text: str


@dataclass
class ThreadPage:
    title: str
    board: str
    posts: list[PostData] = field(default_factory=list)
    pages: int | None = None  # 共 N 页 of the thread's own pager
    type_name: str = ""  # the thread type label before the title: [咨询]
    fid: int | None = None  # the board's id, from the breadcrumb's board link
    views: int | None = None  # 查看 / 回复 above the first post
    replies: int | None = None


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def _whole(html: str, source: str, item: str) -> None:
    """A page cut short without a Content-Length looks fine to HTTP; Discuz! pages always end in </html>."""
    if "</html>" not in html[-4000:].lower():
        raise SourceError(source, item, "</html>", "页面不完整（可能在传输中被截断）")


def parse_board_page(html: str, now: datetime, source: str = "", item: str = "") -> BoardPage:
    """Rows of a ``forumdisplay`` page. SourceError when it is not a Discuz! board list."""
    _whole(html, source, item)
    soup = _soup(html)
    table = soup.find(id="threadlisttableid") or soup.find(id="threadlist")
    if table is None:
        raise SourceError(source, item, "threadlisttableid", "不是 Discuz! 版块列表页（找不到主题列表）")
    rows = []
    for body in table.find_all("tbody", id=_ROW_ID):
        kind, tid = _ROW_ID.match(body["id"]).groups()
        try:
            rows.append(_row(body, tid, kind == "stick", now))
        except (ValueError, TypeError, AttributeError) as error:
            raise SourceError(source, f"{item} 主题 {tid}", "td.by", str(error)) from None
    pages = _page_count(soup)
    heading = soup.select_one("h1.xs2 a") or soup.select_one("#pt .z a:last-of-type")
    return BoardPage(clean_text(heading.get_text()) if heading else "", rows, pages)


def _page_count(soup) -> int | None:
    """The pager's ``<span title="共 N 页">`` (boards and long threads), or None."""
    total = soup.find("span", title=_TOTAL_PAGES)
    return int(_TOTAL_PAGES.search(total["title"])[1]) if total else None


def _row(body, tid: str, sticky: bool, now: datetime) -> ThreadRow:
    # find() rather than CSS select(): a list page has hundreds of lookups and soupsieve dominated the profile.
    link = body.find("a", class_="xst")
    if link is None:
        raise ValueError("缺少主题链接 a.s.xst")
    row = ThreadRow(tid=tid, subject=clean_text(link.get_text()), sticky=sticky)
    heading = body.find("th")
    type_link = heading.em.a if heading and heading.em and heading.em.a else None  # thread type label: [咨询]
    row.type_name = clean_text(type_link.get_text()) if type_link else ""
    by = body.find_all("td", class_="by")
    if by:
        row.author, row.posted = _by_cell(by[0], now)
    if len(by) > 1:
        row.last_poster, row.last_post = _by_cell(by[1], now)
    num = body.find("td", class_="num")
    if num is not None:
        replies, views = num.find("a", class_="xi2"), num.find("em")
        row.replies = to_int(replies.get_text()) if replies else None
        row.views = to_int(views.get_text()) if views else None
    return row


def _by_cell(cell, now: datetime) -> tuple[str, datetime | None]:
    """A ``td.by`` cell: the account in ``cite``, the (maybe relative) time in ``em``."""
    cite, em = cell.find("cite"), cell.find("em")
    when = _stamp(em, now) if em is not None and clean_text(em.get_text()) else None
    return (clean_text(cite.get_text()) if cite else ""), when


def parse_thread(html: str, now: datetime, source: str = "", item: str = "") -> ThreadPage:
    """Posts of a ``viewthread`` page, first post first. SourceError when the page has no posts."""
    _whole(html, source, item)
    soup = _soup(html)
    subject = soup.find(id="thread_subject")
    if subject is None and _DELETED in html:
        raise ThreadGone(item)
    posts = []
    for div in soup.find_all("div", id=_POST_ID):
        pid = _POST_ID.match(div["id"])[1]
        message = div.find(id=f"postmessage_{pid}")
        if message is None:
            continue  # a deleted or hidden post: nothing to read
        author = div.find("a", class_="xw1")  # div.authi a.xw1
        stamp = div.find(id=f"authorposton{pid}")
        try:
            when = _stamp(stamp, now) if stamp else None
        except ValueError as error:
            raise SourceError(source, f"{item} 楼层 {pid}", f"authorposton{pid}", str(error)) from None
        posts.append(PostData(pid, clean_text(author.get_text()) if author else "", when, _message_text(message)))
    if subject is None:
        raise SourceError(source, item, "thread_subject", "不是 Discuz! 帖子页（找不到标题）")
    if not posts:
        raise SourceError(source, item, "postmessage", "帖子页没有可读的楼层")
    board, fid = _crumb_board(soup)
    page = ThreadPage(clean_text(subject.get_text()), board, posts, _page_count(soup), fid=fid)
    heading = subject.find_parent("h1")
    label = heading.find("a", href=_TYPE_LINK) if heading else None
    page.type_name = clean_text(label.get_text()).strip("[]【】") if label else ""
    counts = soup.select("div.hm span.xi1")
    if len(counts) >= 2:
        try:
            page.views, page.replies = to_int(counts[0].get_text()), to_int(counts[1].get_text())
        except ValueError as error:
            raise SourceError(source, item, "查看/回复数（div.hm span.xi1）", str(error)) from None
    return page


def _crumb_board(soup) -> tuple[str, int | None]:
    """The board (name, fid) in a thread page's breadcrumb: the last board link, never the thread's own.

    X3.4 ends the breadcrumb with the thread (its title, cut with " ..."); the
    board link before it points at forumdisplay (or forum-N-1.html when rewritten).
    """
    crumbs = soup.select("#pt .z a")
    boards = [a for a in crumbs if _BOARD_LINK.search(a.get("href", ""))]
    if boards:
        fid = _BOARD_LINK.search(boards[-1]["href"])
        return clean_text(boards[-1].get_text()), int(fid[1] or fid[2])
    rest = crumbs[:-1] if crumbs and _THREAD_LINK.search(crumbs[-1].get("href", "")) else crumbs
    return (clean_text(rest[-1].get_text()) if len(rest) > 1 else ""), None


def board_name(config: dict, fid: int | None, shown: str) -> str:
    """A board's name: the source's ``boards`` setting for its fid, else the name the forum shows."""
    names = config.get("boards") or {}
    return (names.get(fid) or names.get(str(fid)) or shown) if fid is not None else shown


def read_thread(context, url: str, source: str, item: str, max_pages: int = 20) -> ThreadPage:
    """Fetch and parse a thread with all its pages of posts (a late spokesperson reply may be on page 2).

    Raises FetchError or SourceError; shared by the forum and feed sources.
    """
    thread = parse_thread(context.fetch(url).text, context.now, source, item)
    seen = {post.pid for post in thread.posts}
    for number in range(2, min(thread.pages or 1, max_pages) + 1):
        more = parse_thread(context.fetch(f"{url}&extra=&page={number}").text, context.now, source,
                            f"{item} 第 {number} 页")
        thread.posts += [post for post in more.posts if post.pid not in seen]
        seen.update(post.pid for post in more.posts)
    return thread


class ThreadGone(Exception):
    """Discuz! says the thread does not exist (deleted, or hidden for review)."""


def open_thread(context, config: dict, tid: str, url: str, item: str, row: ThreadRow | None = None,
                board: str = "", note: str = "") -> Petition | SourceError | Gone:
    """Read a thread (all its pages) as a petition, or the error or disappearance to report.

    Shared by the forum source (list rows, rechecks) and the feed source
    (Discuz! items); ``note`` is added to a fetch error's message.
    """
    source = config["name"]
    try:
        thread = read_thread(context, url, source, item)
    except FetchError as error:
        return SourceError(source, item, "帖子页", f"{error.url}：{error.problem}{note}")
    except ThreadGone:
        return Gone(config.get("store_as") or source, str(tid))
    except SourceError as error:
        return error
    return thread_petition(config, tid, url, thread, row, board)


def _message_text(tag) -> str:
    """A post's text with its line structure: <br> and block ends are line breaks.

    Line breaks in the HTML source are only whitespace (Discuz! writes
    ``<br />\r\n``), so they become spaces first, or every line would double.
    """
    if tag is None:
        return ""
    for junk in tag.select("i.pstatus, div.quote, script, style, .tip"):
        junk.decompose()
    for text in tag.find_all(string=True):
        if "\n" in text or "\r" in text:
            text.replace_with(re.sub(r"[\r\n]+", " ", str(text)))
    for br in tag.find_all("br"):
        br.replace_with("\n")
    for block in tag.find_all(_BLOCKS):  # marked, so two adjacent blocks make one break, not two
        block.insert_before(_BLOCK_END)
        block.append(_BLOCK_END)
    return clean_text(_BLOCK_ENDS.sub("\n", tag.get_text()))


def _spokespersons(value) -> dict[str, str]:
    return dict(value) if isinstance(value, dict) else {name: "" for name in value}


def thread_petition(config: dict, tid: str, url: str, page: ThreadPage, row: ThreadRow | None = None,
                    board: str = "") -> Petition:
    """The petition a thread page shows: first post = petition, spokesperson posts = replies,
    the author's own later posts = 网友补充.

    ``board`` (the list page's board name, a feed item's category) wins over the
    breadcrumb's. ``config["store_as"]`` names the source the case is stored under
    (a feed item of a forum that is also pulled as a forum is that forum's case).
    """
    spokes = _spokespersons(config.get("spokespersons", {}))
    first, later = page.posts[0], page.posts[1:]
    answers = [p for p in later if p.author in spokes]
    replies = [
        Reply(text=p.text, time=p.time, unit=spokes[p.author] or p.author, author=p.author, reply_id=p.pid,
              final=(i == len(answers) - 1))  # earlier answers are interim
        for i, p in enumerate(answers)
    ]
    own = [Supplement(p.text, p.time) for p in later if p.author == first.author and p.author not in spokes]
    board = board or board_name(config, page.fid, page.board) or config["board"]
    board = config["board_map"].get(board, board) or config["board"]
    label = (row.type_name if row else "") or page.type_name
    type_, inferred = petition_type(label, config["type_map"], page.title, first.text)
    views = row.views if row and row.views is not None else page.views
    replies_shown = row.replies if row and row.replies is not None else page.replies
    return Petition(
        source=config.get("store_as") or config["name"], source_id=str(tid), title=page.title, body=first.text,
        posted=first.time or (row.posted if row else None), url=url, board=board,
        department=config["department"], type=type_, author=first.author,
        views=views, reply_count=replies_shown if replies_shown is not None else len(later),
        places=places(page.title + "\n" + first.text), replies=replies, supplements=own,
        extra={"inferred": inferred} if inferred else {},
    )


def forum_root(url: str) -> str:
    """A forum's root URL, ending in "/" (where forum.php lives)."""
    return url if url.endswith("/") else url + "/"


def thread_url(root: str, tid: str) -> str:
    """The canonical address of a thread: the one both the forum and the feed source store."""
    return urljoin(root, f"forum.php?mod=viewthread&tid={tid}")


def _fids_problem(value) -> str | None:
    return None if value and all(isinstance(f, int) for f in value) else "应为非空的版块编号（fid，整数）列表"


class ForumSource(SourceAdapter):
    """Discuz! X3.4 boards: ``url`` is the forum root, ``fids`` the boards to pull."""

    #: Post bodies (the petition and its replies) are HTML, read as text once by the thread
    #: parser: Discuz! escapes what residents type, so ``&lt;b&gt;`` in a post is the text ``<b>``.
    #: Titles, board names and accounts are read from the page's text.
    html_fields = ("body", "reply_text")

    # Not a snapshot: a list walk stops early, so absence from it never means a post is gone.
    options = {
        "url": Option(str, doc="forum root URL (where forum.php lives)", check=http_url_problem),
        "fids": Option(list, doc="board ids (fid) to pull", check=_fids_problem),
        "spokespersons": Option((dict, list), {}, "spokesperson accounts (-> replying unit); their posts are replies"),
        "max_pages": Option(int, 500, "stop after this many list pages per board"),
        "boards": Option(dict, {}, "board name per fid, instead of the name the list page shows"),
        **recheck.RECHECK_OPTIONS,
    }

    @classmethod
    def knows(cls, config: dict) -> frozenset[str]:
        """Replies (and their times) only when the spokesperson accounts are named and threads are read."""
        return spokesperson_facts(config, frozenset({"engagement"}))

    def __init__(self, config: dict, base: Path):
        super().__init__(config, base)
        self.root = forum_root(config["url"])

    def board_url(self, fid: int, page: int) -> str:
        return urljoin(self.root, f"forum.php?mod=forumdisplay&fid={fid}&page={page}")

    def thread_url(self, tid: str) -> str:
        return thread_url(self.root, tid)

    def items(self, context) -> Iterator[Petition | SourceError | Gone]:
        opened: set[str] = set()
        for fid in self.config["fids"]:
            yield from self._board(context, fid, opened)
        for tid in recheck.due(context, self.name, opened):
            yield self._thread(context, tid, None, "")

    def _board(self, context, fid: int, opened: set[str]) -> Iterator[Petition | SourceError | Gone]:
        complete_key = f"board:{fid}:complete"
        walked_before = context.state(complete_key, False)
        seen_pages: set[tuple] = set()
        clean = True  # no error on this walk: only then is the board marked walked
        page_no = 1
        while page_no <= self.config["max_pages"]:
            url = self.board_url(fid, page_no)
            item = f"版块 {fid} 第 {page_no} 页"
            try:
                page = context.fetch(url, conditional=True)
                if page.not_modified:
                    if walked_before:
                        return  # newest page unchanged: nothing newer anywhere on the board
                    page_no += 1
                    if page_no > context.state(f"board:{fid}:pages", 1):
                        break
                    continue
                board = parse_board_page(page.text, context.now, self.name, item)
            except FetchError as error:
                yield SourceError(self.name, item, "列表页", f"{error.url}：{error.problem}")
                return
            except SourceError as error:
                yield error
                return
            key = tuple(r.tid for r in board.rows if not r.sticky)
            if page_no > 1 and (key in seen_pages or not key):
                break  # past the end: Discuz! shows page 1 again
            seen_pages.add(key)
            changed, errors = yield from self._page_threads(context, fid, board, opened)
            clean = clean and not errors
            self._page_done(context, fid, page, board, errors)
            if walked_before and changed == 0:
                return  # list is newest-first: an unchanged page means older pages are unchanged too
            if board.pages and page_no >= board.pages:
                break
            page_no += 1
        if clean and not walked_before:
            context.set_state(complete_key, True)

    @staticmethod
    def _page_done(context, fid: int, page, board, errors: int) -> None:
        if not errors:
            context.remember(page)  # only a page fully imported may be answered with a 304 next time
        if board.pages and board.pages != context.state(f"board:{fid}:pages"):
            context.set_state(f"board:{fid}:pages", board.pages)

    def _page_threads(self, context, fid: int, board, opened: set[str]):
        """Yield the threads of a list page whose row changed; return (changed, errors)."""
        changed, errors = 0, 0
        for row in board.rows:
            if row.sticky:
                continue  # the admins' notices, not petitions
            state_key = f"thread:{row.tid}"
            if context.state(state_key) == row.signature and not self._retitled(context, row):
                continue
            changed += 1
            opened.add(row.tid)
            outcome = self._thread(context, row.tid, row, board_name(self.config, fid, board.board))
            yield outcome
            if isinstance(outcome, SourceError):
                errors += 1
            else:
                context.set_state(state_key, row.signature)
        return changed, errors

    def _retitled(self, context, row: ThreadRow) -> bool:
        """The list shows an edited title (the only edit a list shows)."""
        stored = context.store.title_of(self.name, row.tid)
        return stored is not None and stored != row.subject

    def _thread(self, context, tid: str, row: ThreadRow | None, board: str) -> Petition | SourceError | Gone:
        return open_thread(context, self.config, tid, self.thread_url(tid), f"帖子 {tid}", row, board)
