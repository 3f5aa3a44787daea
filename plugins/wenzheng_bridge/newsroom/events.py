"""问政进社区 / 走基层 events: plain-text records under ``content/events/``, one file per event.

The file's name is the event's id (``2019-12-a3.txt`` -> ``2019-12-a3``); the problems
residents raised there are cases of an ``offline`` source whose rows name that id. Each line
is ``字段: 值``::

    # 示例 · 问政进社区
    标题: 问政进社区·A3区 站
    日期: 2019-12-14 09:30
    地点: A3区 某街道社区服务中心
    区县: A3区
    部门: A3区住建局、A市城管局
    发言人: A3区住建局网络发言人
    记者: 张三、李四
    示例: 是

标题 and 日期 are required; 部门、发言人、记者 list names separated by 、 or commas. Reporters'
names stay inside the newsroom (the draft's byline), like every newsroom record; the public
event page shows the rest. A malformed line stops the build naming file, line and field; a
hand edit works the same as ``wenzheng event add``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..dates import SHANGHAI, cn_date, stamp
from ..records import Status
from ..sources.common import parse_datetime
from ..trust.sanitize import output_text
from .caseindex import RecordError, content_dir
from .fieldrecord import RECORD_ID, flag, parse_fields, read_text, record_id, split_names

EVENTS_DIR = "events"
SUFFIX = ".txt"
#: Field label -> attribute; lists are split on 、 and commas.
FIELDS = {"标题": "title", "日期": "date", "地点": "place", "区县": "district", "部门": "departments",
          "发言人": "spokespersons", "记者": "reporters", "示例": "sample"}
LISTS = ("departments", "spokespersons", "reporters")
REQUIRED = ("标题", "日期")


@dataclass
class EventRecord:
    """One event as its record file says."""

    id: str
    title: str
    date: datetime
    place: str = ""
    district: str = ""
    departments: list[str] = field(default_factory=list)
    spokespersons: list[str] = field(default_factory=list)
    reporters: list[str] = field(default_factory=list)  # newsroom only
    sample: bool = False  # a demo record (示例)
    origin: str = ""

    @property
    def shown_date(self) -> str:
        return cn_date(self.date)


def events_dir(settings: dict) -> Path:
    return content_dir(settings) / EVENTS_DIR


def event_path(settings: dict, event_id: str) -> Path:
    return events_dir(settings) / f"{event_id}{SUFFIX}"


def check_id(event_id: str) -> str:
    if not RECORD_ID.fullmatch(event_id):
        raise RecordError(event_id, None, "文件名",
                          f"活动编号 {event_id!r} 只能用小写字母、数字和连字符（如 2019-12-a3）")
    return event_id


def parse_event(text: str, path: Path, event_id: str) -> EventRecord:
    """The record of one file's text; RecordError naming the line and field."""
    values = parse_fields(text, path, FIELDS, required=REQUIRED, dates=("日期",), flags=("示例",))
    # A desk's note may carry a phone number or a house number: masked like any text that is published.
    data: dict = {FIELDS[label]: output_text(value) for label, value in values.items() if label != "日期"}
    for name in LISTS:
        data[name] = split_names(data.get(name, ""))
    data["date"] = parse_datetime(values["日期"])
    data["sample"] = flag(values.get("示例", ""))
    return EventRecord(id=event_id, origin=str(path), **data)


def read_event(path: Path) -> EventRecord:
    return parse_event(read_text(path), path, record_id(path, SUFFIX))


def load_events(settings: dict) -> list[EventRecord]:
    """Every event record, newest first (the first malformed file raises)."""
    folder = events_dir(settings)
    if not folder.is_dir():
        return []
    found = [read_event(path) for path in sorted(folder.glob(f"*{SUFFIX}"))]
    return sorted(found, key=lambda e: (e.date, e.id), reverse=True)


def format_event(event: EventRecord) -> str:
    """The record file's text (``wenzheng event add``)."""
    lines = [f"# {'示例 · ' if event.sample else ''}零距离问政 · 问政进社区活动记录（每行：字段: 值）",
             f"标题: {event.title}", f"日期: {stamp(event.date)}"]
    for label, name in FIELDS.items():
        if name in ("title", "date", "sample"):
            continue
        value = getattr(event, name)
        value = "、".join(value) if isinstance(value, list) else value
        if value:
            lines.append(f"{label}: {value}")
    if event.sample:
        lines.append("示例: 是")
    return "\n".join(line.replace("\n", " ") for line in lines) + "\n"


def write_event(settings: dict, event: EventRecord) -> Path:
    """Write a new event record; refuses to overwrite an existing one."""
    path = event_path(settings, check_id(event.id))
    if path.exists():
        raise RecordError(path, None, "文件名", f"活动 {event.id} 已有记录；请直接编辑该文件")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(format_event(event), encoding="utf-8")
    return path


def event_of(petition) -> str:
    """The id of the event a case was collected at ('' for an online post)."""
    return petition.extra.get("event", "") if petition.extra else ""


def resolved_count(cases) -> int:
    return sum(1 for case in cases if case.status == Status.RESOLVED)


def local_date(event: EventRecord) -> str:
    return f"{event.date.astimezone(SHANGHAI):%Y-%m-%d}"
