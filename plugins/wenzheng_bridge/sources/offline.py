"""Offline source: problems residents raised at a 问政进社区 / 走基层 event, typed in by the desk.

A CSV (or XLSX) the desk fills in after the event, one row per problem, read like a table
export with one more column, the event's id (``活动编号``, the name of its record file under
``content/events/``). Each row becomes a case like an online post, so it goes through the same
case view, deadlines and follow-ups; ``extra["event"]`` links it to its event and
``extra["collected"]`` marks it 现场收集 on its page.
"""
from __future__ import annotations

import re

from ..records import Petition, SourceError
from .common import clean_text
from .table import DEFAULT_COLUMNS, TableSource

#: How a case collected on site is marked wherever it is shown.
COLLECTED_LABEL = "现场收集"
_EVENT_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


class OfflineSource(TableSource):
    """A table whose rows were collected at an event: the event column is required."""

    default_columns = {**DEFAULT_COLUMNS, "event": "活动编号"}
    #: The sheet lists every problem collected so far: a row removed from it is gone.
    snapshot = True

    def _petition(self, cells: dict) -> Petition:
        petition = super()._petition(cells)
        event = clean_text(cells.get("event")).lower()
        if not _EVENT_ID.fullmatch(event):
            raise SourceError(self.name, f"编号 {petition.source_id}", self.columns["event"].rstrip("?"),
                              f"活动编号 {event!r} 无效（应为 content/events/ 下记录的文件名，如 2019-11-a3）")
        petition.extra["event"] = event
        petition.extra["collected"] = COLLECTED_LABEL
        return petition
