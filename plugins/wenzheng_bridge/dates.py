"""Dates and day counts as every output writes them, in Asia/Shanghai.

The one set of formatters for pages, drafts, the story budget and the command line, at the
lowest layer so that no job keeps its own copy (a copy drifts: one showed seconds, one not).
A naive datetime is taken as already local.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(value: datetime) -> datetime:
    return value.astimezone(SHANGHAI) if value.tzinfo else value


def _midnight(value: datetime) -> bool:
    """A record with a date and no time is stored at midnight: shown as the date alone."""
    return (value.hour, value.minute, value.second) == (0, 0, 0)


def cn_date(value: date | None) -> str:
    """``2019年2月28日`` (of a datetime, or of a plain date such as a case's 数据截至 day)."""
    if value is None:
        return "日期不详"
    day = local(value) if isinstance(value, datetime) else value
    return f"{day.year}年{day.month}月{day.day}日"


def cn_datetime(value: datetime | None) -> str:
    """``2019年2月28日 11:25`` (the date alone at midnight)."""
    if value is None:
        return "时间不详"
    moment = local(value)
    return cn_date(moment) if _midnight(moment) else f"{cn_date(moment)} {moment:%H:%M}"


def iso_date(value: datetime | None) -> str:
    """``2019-02-28``, or nothing for no date (a CSV cell, a budget line)."""
    return f"{local(value):%Y-%m-%d}" if value else ""


def stamp(value: datetime) -> str:
    """``2019-05-09 09:49``; the date alone at midnight (newsroom records, drafts' timelines)."""
    moment = local(value)
    return f"{moment:%Y-%m-%d}" if _midnight(moment) else f"{moment:%Y-%m-%d %H:%M}"


def days(value: float | None) -> str:
    """A day count as tables print it: ``3``, ``2.5``, or ``—`` when there is none."""
    return "—" if value is None else f"{value:g}"


def iso_minute(value: datetime | None) -> str:
    """``2019-02-28 11:25``, or nothing for no time (the command line, the budget's CSV)."""
    return f"{local(value):%Y-%m-%d %H:%M}" if value else ""
