"""The cases the paper reported, built one by one from the store (for 成效: the page, its feed, the command).

Only the cases named by a published article or a linked 见报 record are built,
so the 成效 page costs a few lookups, not another pass over the whole store.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterator

from ..records import NewsroomRecords
from ..store import Store
from .model import Case
from .view import CaseBuilder


def reported_keys(records: NewsroomRecords) -> list[str]:
    """Cases named by a published article or by a "published" follow-up linking one, sorted."""
    keys = {key for key, refs in records.articles.items() if any(a.status == "published" for a in refs)}
    keys |= {key for key, items in records.followups.items()
             if any(f.kind == "published" and f.url for f in items)}
    return sorted(keys)


def reported_cases(store: Store, settings: dict, records: NewsroomRecords,
                   now: datetime | None = None) -> Iterator[Case]:
    """A full case view of every reported case the store holds (gated ones included)."""
    builder = CaseBuilder(settings, records, now)
    for key in reported_keys(records):
        petition = store.petition(key)
        if petition is not None:
            yield builder.build(petition)
