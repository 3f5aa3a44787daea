"""Run sources into the store: the one writer of pulled data.

Items are committed in batches, so a killed pull loses at most the batch in
flight, and fetch state an adapter sets is committed with the items it covers.
"""
from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from .config import CoreSettings
from .errors import WenzhengError, bug_notice
from .records import SHANGHAI, Gone, Petition, SourceError
from .sources.base import PullContext
from .sources.kinds import SOURCE_KINDS
from .store import Store, store_error

log = logging.getLogger(__name__)
BATCH_SIZE = 100


@dataclass
class Tally:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    gone: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # kept items with a flagged problem

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("new", "updated", "unchanged", "failed", "gone")}


def pull(settings: dict, only: str | None = None, now: datetime | None = None,
         on_item: Callable[[str, str], None] | None = None) -> dict[str, Tally]:
    """Pull every enabled source (or ``only``) into the store; return a tally per source."""
    sources = [s for s in settings["WENZHENG_SOURCES"] if s["enabled"] and (only is None or s["name"] == only)]
    if only and not sources:
        raise WenzhengError(f"没有名为 {only!r} 的来源（可用：{', '.join(s['name'] for s in settings['WENZHENG_SOURCES'])}）")
    results = {}
    with Store.open(settings["WENZHENG_STORE"]) as store:
        try:
            for source in sources:
                results[source["name"]] = pull_source(store, source, settings, now, on_item)
        except sqlite3.Error as error:  # e.g. locked by another writer when the pull is recorded
            raise store_error(store.path, error) from None
    return results


def pull_source(store: Store, source: dict, settings: dict, now: datetime | None = None,
                on_item: Callable[[str, str], None] | None = None) -> Tally:
    now = now or datetime.now(SHANGHAI)
    # The site-wide gazetteer under the source's own names (sources.places reads both).
    core = CoreSettings.of(settings)
    source = {**source, "gazetteer": {**core.gazetteer, **source.get("gazetteer", {})}}
    adapter = SOURCE_KINDS[source["kind"]](source, Path(settings["WENZHENG_BASE"]))
    context = PullContext(store, source, settings, now)
    tally = Tally()
    pull_id = store.start_pull(source["name"], now)
    seen_ids: list[str] = []
    pending = 0
    try:
        labels = adapter.labels()
        if labels is not None:
            store.set_field_labels(labels)
        for item in adapter.items(context):
            outcome = _store_item(store, item, now, tally)
            if isinstance(item, Petition):
                seen_ids.append(item.source_id)
            if on_item:
                on_item(source["name"], outcome)
            pending += 1
            if pending >= BATCH_SIZE:
                store.db.commit()
                pending = 0
        # A snapshot (a table export) lists every case: what it no longer lists has gone.
        if adapter.snapshot and not tally.failed:
            tally.gone += _mark_gone_guarded(store, source, seen_ids, now, tally)
        store.db.commit()
    except sqlite3.Error as error:  # the store itself failed (locked, full, damaged): no source can go on
        raise store_error(store.path, error) from None
    except WenzhengError as error:  # a source-level failure: keep what was stored, report it
        _keep_going(store, tally, f"来源 {source['name']}：{error}")
    except Exception as error:  # a bug: keep what was stored, say so briefly (traceback with --debug)
        log.debug("pull of %s failed", source["name"], exc_info=True)
        _keep_going(store, tally, f"来源 {source['name']}：{bug_notice(error)}")
    finally:
        context.close()
    store.finish_pull(pull_id, datetime.now(SHANGHAI), tally.as_dict())
    return tally


def _keep_going(store: Store, tally: Tally, message: str) -> None:
    store.db.commit()
    tally.failed += 1
    tally.errors.append(message)


def _mark_gone_guarded(store: Store, source: dict, seen_ids: list[str], now: datetime, tally: Tally) -> int:
    """Mark what a snapshot no longer lists as gone, unless that is too much to believe.

    A header-only or half-written export would otherwise mark every case gone
    (exit 0); a source declared ``complete_snapshot`` is trusted as it is.
    """
    share = source.get("gone_guard")  # declared by snapshot kinds (sources/table.py)
    if share is not None and not source.get("complete_snapshot") and share < 1:
        present = set(seen_ids)
        active = store.active_ids(source["name"])
        missing = sum(1 for sid in active if sid not in present)
        if active and missing > share * len(active):
            tally.failed += 1
            tally.errors.append(
                f"来源 {source['name']}：本次导出缺少库中 {missing} / {len(active)} 条留言"
                f"（超过 {share:.0%}），未标记为消失。若导出确实完整，请在该来源设置 'complete_snapshot': True")
            return 0
    return store.mark_gone(source["name"], seen_ids, now)


def _store_item(store: Store, item, now: datetime, tally: Tally) -> str:
    if isinstance(item, SourceError):
        tally.failed += 1
        tally.errors.append(str(item))
        return "failed"
    if isinstance(item, Gone):
        tally.gone += store.mark_gone_one(item.source, item.source_id, now)
        return "gone"
    for problem in item.extra.get("problems", ()):
        tally.warnings.append(f"来源 {item.source} · 条目 {item.source_id}：{problem}（已保留此条）")
    outcome = store.upsert(item, now)
    setattr(tally, outcome, getattr(tally, outcome) + 1)
    return outcome
