"""Trending score: engagement and newsroom signals, decayed by age.

score = (likes·w + replies·w + views·w + overdue·w + repeat_place·w) / (age_days + 2) ** gravity

Every part is kept (``Case.score_parts``) so the story budget can say why a
case ranks. "repeat_place" counts earlier petitions naming the same specific
place (a street, estate, village: not a whole city or district) within the
window; the store yields petitions oldest first, so this needs no second pass.
"""
from __future__ import annotations

import re
from collections import defaultdict, deque
from datetime import datetime, timedelta

from ..records import Petition

# Whole provinces, cities, districts and counties are too coarse to be "one place".
_COARSE = re.compile(r"^(?:西地省|[A-Z]\d*市|临?[A-Z]\d+[区县])$")


def specific_places(petition: Petition) -> list[str]:
    return [p for p in petition.places if not _COARSE.match(p)]


class PlaceRepeats:
    """Earlier complaints about the same place within a window, streaming."""

    def __init__(self, window_days: float):
        self.window = timedelta(days=window_days)
        self.seen: dict[str, deque] = defaultdict(deque)

    def count(self, petition: Petition) -> int:
        """Earlier petitions naming one of this petition's places; then remember it."""
        if petition.posted is None:
            return 0
        best = 0
        for place in specific_places(petition):
            times = self.seen[place]
            while times and petition.posted - times[0] > self.window:
                times.popleft()
            best = max(best, len(times))
            times.append(petition.posted)
        return best


def score(petition: Petition, overdue_days: int, repeats: int, now: datetime, weights: dict) -> tuple[float, dict]:
    """(score, parts): each weighted part before decay, and the decay factor."""
    parts = {
        "likes": weights["likes"] * (petition.likes or 0),
        "replies": weights["replies"] * (petition.reply_count or 0),
        "views": weights["views"] * (petition.views or 0),
        "overdue": weights["overdue"] * min(overdue_days, weights["overdue_cap"]),
        "repeat_place": weights["repeat_place"] * repeats,
    }
    age_days = max((now - petition.posted).total_seconds() / 86400, 0) if petition.posted else 0
    decay = 1 / (age_days + 2) ** weights["gravity"]
    # One point of base interest, so a fresh petition without engagement still ranks by recency.
    total = (1 + sum(parts.values())) * decay
    parts = {k: round(v, 4) for k, v in parts.items()}
    parts["decay"] = decay
    return total, parts
