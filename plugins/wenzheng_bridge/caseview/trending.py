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

#: The sample's province (anonymised); jieba cuts it into 西 / 地 / 省.
PROVINCE = "西地省"
# Whole provinces, cities, districts and counties are too coarse to be "one place".
COARSE_PLACE = re.compile(rf"^(?:{PROVINCE}|[A-Z]\d*市|临?[A-Z]\d+[区县])$")


class PlaceRepeats:
    """Earlier complaints about the same place within a window, streaming."""

    def __init__(self, window_days: float):
        self.window = timedelta(days=window_days)
        self.seen: dict[str, deque] = defaultdict(deque)

    def count(self, petition: Petition) -> int:
        """Earlier petitions naming one of this petition's places; then remember it."""
        return self.count_at(petition.posted, petition.places)

    def count_at(self, posted: datetime | None, places: list[str]) -> int:
        if posted is None:
            return 0
        best = 0
        for place in places:
            if COARSE_PLACE.match(place):
                continue
            times = self.seen[place]
            while times and posted - times[0] > self.window:
                times.popleft()
            best = max(best, len(times))
            times.append(posted)
        return best

    @classmethod
    def counted(cls, window_days: float, outline) -> "KnownRepeats":
        """Every count of a stream worked out at once from (key, posted, places) in stream order.

        Builders that see only a slice of the store (the site's parallel pass)
        read these instead of counting: a count depends on the petitions before.
        """
        repeats = cls(window_days)
        return KnownRepeats({key: repeats.count_at(posted, places) for key, posted, places in outline})


class KnownRepeats:
    """Place repeats counted beforehand (``PlaceRepeats.counted``), looked up by case key."""

    def __init__(self, counts: dict[str, int]):
        self.counts = counts

    def count(self, petition: Petition) -> int:
        return self.counts.get(petition.key, 0)


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
