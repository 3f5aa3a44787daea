"""Which stored threads to read again on a pull, so edits are found at a bounded cost.

Discuz! shows an edited title in the list row but not an edited body or reply:
neither the reply count nor the last-post cell moves. The only way to see an
edit is to read the thread again, and reading all of a big forum on every pull
is neither polite nor fast. The policy, per source and pull:

1. every thread whose list row changed (reply count, last post) or whose list
   title differs from the stored title is opened (the forum source decides
   this from the rows it walks; it costs nothing extra to know);
2. every stored thread with activity (its post, a reply or a 网友补充) in the
   last ``recheck_days`` days is read again: edits cluster right after posting;
3. the older threads are read again in turn, in thread-id order from a cursor
   kept in the fetch state, ``1/recheck_cycle`` of them per pull, so each is
   read at least once every ``recheck_cycle`` pulls;
4. 2 and 3 together are capped at ``recheck_max`` threads per pull (recent
   first; the rotation resumes where the cap stopped it, so when the cap binds
   a full round takes ceil(older / (recheck_max - recent)) pulls instead).

Each recheck costs one request per page of the thread. bench/RESULTS-sources.md
has the measured cost for a 10,000-thread forum.
"""
from __future__ import annotations

import math
from datetime import timedelta
from typing import Iterator

from ..config import Option, not_negative, read
from ..records import from_iso


RECHECK_OPTIONS = {
    "recheck_days": Option(int, 7, "read again, on every pull, each stored thread active in the last N days (0: none)",
                           not_negative),
    "recheck_cycle": Option(int, 30, "read the older threads again in turn, each once every N pulls (0: never)",
                            not_negative),
    "recheck_max": Option(int, 500, "at most this many threads read again per pull (besides changed list rows)",
                          not_negative),
}

CURSOR = "recheck:cursor"


def _order(source_id: str) -> tuple:
    return (len(source_id), source_id)  # numeric ids in numeric order without parsing them


def due(context, stored_as: str, opened: set[str], among: set[str] | None = None,
        cursor: str = CURSOR) -> Iterator[str]:
    """Source ids of ``stored_as`` to read again this pull (not those already ``opened``), per the policy.

    ``among`` limits the candidates (a feed rechecks only threads it listed).
    The rotation cursor (fetch state of the pulling source) moves on only once
    every id was handed out and its item stored, so a killed pull redoes its turn.
    """
    config = context.source
    limit, days, cycle = (read(RECHECK_OPTIONS, config, key) for key in ("recheck_max", "recheck_days", "recheck_cycle"))
    if not limit:
        return
    cutoff = context.now - timedelta(days=days)
    recent, older = [], []
    for source_id, last in context.store.activity(stored_as):
        if source_id in opened or (among is not None and source_id not in among):
            continue
        when = from_iso(last)
        if days and when is not None and when >= cutoff:
            recent.append((when, source_id))
        else:
            older.append(source_id)
    picked = [source_id for _, source_id in sorted(recent, reverse=True)][:limit]
    yield from picked
    room = limit - len(picked)
    if cycle and older and room > 0:
        share = min(math.ceil(len(older) / cycle), room)
        turn = _rotation(sorted(older, key=_order), context.state(cursor, ""), share)
        yield from turn
        context.set_state(cursor, turn[-1])


def _rotation(ordered: list[str], cursor: str, count: int) -> list[str]:
    """``count`` ids after ``cursor`` in ``ordered``, wrapping round to the start."""
    start = next((i for i, source_id in enumerate(ordered) if _order(source_id) > _order(cursor)), 0) if cursor else 0
    return [ordered[(start + i) % len(ordered)] for i in range(min(count, len(ordered)))]

