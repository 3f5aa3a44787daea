"""Scorecard figures for boards and departments, read from the case view's statistics.

The case view computes every figure (``caseview.stats``: reply rate, on-time
rate, reply times, overdue share, the Wilson interval and the minimum-sample
rule); this module only looks them up for a page, so the site can never
disagree with ``wenzheng stats``.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..records import OPEN_STATUSES
from ..caseview.stats import UNLABELLED, Group, Ranked, rank, wilson



@dataclass
class Scorecard:
    """What a board's or department's page shows at its top."""

    name: str
    group: Group
    low: float  # Wilson interval of the on-time reply rate, 0..1
    high: float
    rank: int | None  # None: below the minimum sample (listed, not ranked)
    min_sample: int

    @property
    def open(self) -> int:
        return sum(self.group.statuses.get(status, 0) for status in OPEN_STATUSES)

    @property
    def interval(self) -> str:
        return f"{100 * self.low:.1f}%–{100 * self.high:.1f}%"

    @property
    def ranked(self) -> bool:
        return self.rank is not None


class Figures:
    """Scorecards and league tables over the case view's ``Stats`` of the public cases."""

    def __init__(self, stats):
        self.stats = stats
        self.min_sample = stats.min_sample
        self._ranks: dict[str, dict[str, Ranked]] = {}

    def _ranking(self, dimension: str) -> dict[str, Ranked]:
        """The case view's ranking for departments; the same rule applied to boards."""
        if dimension not in self._ranks:
            if dimension == "department":
                ranked = self.stats.rankings
            else:
                ranked = rank(list(self.stats.by[dimension].values()), self.min_sample)
            self._ranks[dimension] = {item.group.name: item for item in ranked}
        return self._ranks[dimension]

    def group(self, dimension: str, value: str) -> Scorecard:
        name = value or UNLABELLED
        group = self.stats.by[dimension][name]
        ranked = self._ranking(dimension).get(name)
        low, high = (ranked.low, ranked.high) if ranked else wilson(group.on_time, group.timed_base)
        return Scorecard(name, group, low, high, ranked.rank if ranked else None, self.min_sample)

    def ranking(self, scorecards: dict[str, Scorecard]) -> list[tuple[str, Scorecard]]:
        """(value, scorecard) ranked first by rank, then the unranked by size."""
        return sorted(scorecards.items(), key=lambda item: (
            item[1].rank is None, item[1].rank or 0, -item[1].group.count, item[1].name))
