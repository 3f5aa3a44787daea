"""Plain second implementations that tests check the program against (never the program's own helpers).

Each follows a published rule, written out the simplest way, so a bug in the program's
optimised version cannot also hide in the expectation.
"""
from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar


def gb11643_check(first17: str) -> str:
    """身份证 check character by GB 11643-1999: weights 2^(17-i) mod 11, ISO 7064 MOD 11-2, 10 written X."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def luhn_valid(number: str) -> bool:
    """The Luhn rule as ISO/IEC 7812-1 states it: double every second digit from the right, sum the digits."""
    total = 0
    for position, char in enumerate(reversed(number)):
        value = int(char) * (2 if position % 2 else 1)
        total += value // 10 + value % 10
    return total % 10 == 0


def official_workday(day: date) -> bool:
    """The State Council's calendar as chinese_calendar knows it; Monday to Friday for a year it does not."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def working_days_between(posted: date, replied: date) -> int:
    """Working days after the posting day up to and including the reply day, one day at a time."""
    return sum(official_workday(posted + timedelta(days=i)) for i in range(1, (replied - posted).days + 1))


def wilson_interval(successes: int, total: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson's (1927) score interval, as printed in Newcombe (1998), equation (3), without correction."""
    if total == 0:
        return 0.0, 0.0
    p, n = successes / total, total
    spread = z * (z * z + 4 * n * p * (1 - p)) ** 0.5
    return max(0.0, (2 * n * p + z * z - spread) / (2 * (n + z * z))), min(1.0, (2 * n * p + z * z + spread) / (2 * (n + z * z)))
