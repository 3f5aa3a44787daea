"""Report periods: a month ("2019-11"), a quarter ("2019Q4") or a year ("2019"), in Asia/Shanghai."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from ..dates import SHANGHAI
from ..errors import WenzhengError

QUARTER_NAMES = ("第一季度", "第二季度", "第三季度", "第四季度")
KIND_NAMES = {"month": "月度", "quarter": "季度", "year": "年度"}


class PeriodError(WenzhengError, ValueError):
    """A period that cannot be read."""


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year
    year: int
    number: int = 1  # month 1-12 or quarter 1-4 (1 for a year)

    @property
    def key(self) -> str:
        """As typed on the command line and used as the record's file name: 2019-11, 2019Q4, 2019."""
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}Q{self.number}"
        return str(self.year)

    @property
    def slug(self) -> str:
        return self.key.lower()

    @property
    def name(self) -> str:
        """``2019年11月``, ``2019年第四季度``, ``2019年``."""
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        if self.kind == "quarter":
            return f"{self.year}年{QUARTER_NAMES[self.number - 1]}"
        return f"{self.year}年"

    @property
    def first_month(self) -> int:
        return {"month": self.number, "quarter": 3 * self.number - 2, "year": 1}[self.kind]

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "year": 12}[self.kind]

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.first_month, 1, tzinfo=SHANGHAI)

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        month = self.first_month + self.months
        return datetime(self.year + (month - 1) // 12, (month - 1) % 12 + 1, 1, tzinfo=SHANGHAI)

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.end.date().toordinal() - 1)

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end

    def of(self, moment: datetime) -> "Period":
        """The period of the same kind holding ``moment``."""
        local = moment.astimezone(SHANGHAI)
        if self.kind == "month":
            return Period("month", local.year, local.month)
        if self.kind == "quarter":
            return Period("quarter", local.year, (local.month - 1) // 3 + 1)
        return Period("year", local.year)


_FORMS = (
    (re.compile(r"(\d{4})-(\d{1,2})"), "month", 12),
    (re.compile(r"(\d{4})[Qq]([1-4])"), "quarter", 4),
    (re.compile(r"(\d{4})()"), "year", 1),
)


def parse(text: str) -> Period:
    """``2019-11`` (month), ``2019Q4`` (quarter) or ``2019`` (year)."""
    value = (text or "").strip()
    for pattern, kind, most in _FORMS:
        found = pattern.fullmatch(value)
        if found:
            number = int(found.group(2) or 1)
            if 1 <= number <= most:
                return Period(kind, int(found.group(1)), number)
    raise PeriodError(f"无法识别的统计周期 {text!r}（月份写 2019-11，季度写 2019Q4，年份写 2019）")
