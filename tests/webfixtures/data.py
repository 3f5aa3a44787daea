"""The fixture forum's content: the real sample petitions as Discuz! threads.

Every thread is one real row of data/tipdm2020c (title, body, author id,
time, and for the 120 rows of fj4 the real reply, posted by the board's
spokesperson account at the real reply time). ``copies`` > 1 repeats the
real rows under new thread ids, for benchmarks that need 10,000 threads.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from wenzheng_bridge.config import validate
from wenzheng_bridge.records import Petition
from wenzheng_bridge.sources.common import infer_type
from wenzheng_bridge.sources.settings import COMMON_OPTIONS
from wenzheng_bridge.sources.table import TableSource

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "tipdm2020c"
SPOKESPERSON = "问政发言人"
SPOKESPERSON_UNIT = "A市网络发言人办公室"
COPY_OFFSET = 1_000_000


@lru_cache(maxsize=1)
def sample_petitions() -> tuple[Petition, ...]:
    """The 644 real petitions, read once through the table adapter."""
    config = {
        "name": "tipdm", "kind": "table", "board": "A市", "board_from_district": True,
        "paths": [str(SAMPLE / n) for n in
                  ("fj2_sample495_labelled.xlsx", "fj3_sample30_likes.xlsx", "fj4_sample120_replies.xlsx")],
    }
    values, problems = validate(config, {**COMMON_OPTIONS, **TableSource.options}, "fixture")
    assert not problems, problems
    return tuple(TableSource(values, Path("/")).items())


@dataclass
class Post:
    pid: int
    author: str
    time: datetime
    text: str
    edited: str = ""  # Discuz!'s edit note, e.g. "本帖最后由 A0001 于 2019-12-21 10:02 编辑"
    html: str = ""  # the message as Discuz! renders rich text ([p] paragraphs), instead of ``text``


@dataclass
class Thread:
    tid: int
    fid: int
    subject: str
    posts: list[Post]
    views: int = 0
    sticky: bool = False
    type_name: str = ""
    likes: int = 0
    state: str = ""
    field: str = ""  # the topic (领域), as the 人民网 list API's domainName

    @property
    def first(self) -> Post:
        return self.posts[0]

    @property
    def last(self) -> Post:
        return self.posts[-1]

    @property
    def replies(self) -> int:
        return len(self.posts) - 1


# Platform type names as the 人民网 领导留言板 shows them (mapped by the adapters).
_PLATFORM_TYPE = {"诉求": "投诉/求助", "咨询": "咨询", "建议": "建言", "举报": "举报"}


@dataclass
class ForumData:
    """Boards (fid -> name) and threads (tid -> Thread) of the fixture forum."""

    boards: dict[int, str] = field(default_factory=dict)
    threads: dict[int, Thread] = field(default_factory=dict)
    announcement: str = ""  # a forum announcement: a row at the top of every board's first page

    @classmethod
    def from_sample(cls, copies: int = 1, limit: int | None = None) -> "ForumData":
        data = cls()
        petitions = sorted(sample_petitions(), key=lambda p: (p.posted, int(p.source_id)))
        names = sorted({p.board for p in petitions}, key=lambda b: (b != "A市", b))
        data.boards = {fid: name for fid, name in enumerate(names, start=2)}
        fid_of = {name: fid for fid, name in data.boards.items()}
        for copy in range(copies):
            for p in petitions:
                tid = int(p.source_id) + copy * COPY_OFFSET
                data.threads[tid] = _thread(tid, fid_of[p.board], p, copy)
                if limit and len(data.threads) >= limit:
                    return data
        return data

    def board_threads(self, fid: int) -> list[Thread]:
        """Threads of a board in Discuz! order: newest last post first."""
        rows = [t for t in self.threads.values() if t.fid == fid]
        return sorted(rows, key=lambda t: (t.last.time, t.tid), reverse=True)

    def latest_time(self) -> datetime:
        return max(t.last.time for t in self.threads.values())

    def add_reply(self, tid: int, author: str, when: datetime, text: str) -> Post:
        thread = self.threads[tid]
        post = Post(thread.tid * 100 + len(thread.posts), author, when, text)
        thread.posts.append(post)
        return post


def _thread(tid: int, fid: int, p: Petition, copy: int) -> Thread:
    shift = timedelta(days=copy)  # copies are later, so they sort apart from the real rows
    posts = [Post(tid * 100, p.author or "游客", p.posted + shift, p.body or p.title)]
    for reply in p.replies:
        posts.append(Post(tid * 100 + len(posts), SPOKESPERSON, (reply.time or p.posted) + shift, reply.text))
    type_ = _PLATFORM_TYPE[infer_type(p.title, p.body)]
    state = "已办结" if p.replies else "办理中"
    return Thread(tid=tid, fid=fid, subject=p.title, posts=posts, views=(p.likes or 0) * 10 + int(p.source_id) % 97,
                  type_name=type_, likes=p.likes or 0, state=state, field=p.field)
