"""Jinja filters of the theme (registered through JINJA_FILTERS by the plugin)."""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from .. import dates
from ..records import SHANGHAI
from ..trust.sanitize import safe_url
from . import home, readable
from .search import index_value

#: A case's dates appear on its page and on six index pages: format each once.
_cached = lru_cache(maxsize=1 << 16)


# Defined here, not wrapped in place: the settings holding the filters are pickled by name.
@_cached
def cn_datetime(value: datetime | None) -> str:
    return dates.cn_datetime(value)


@_cached
def cn_date(value: date | None) -> str:
    return dates.cn_date(value)


@_cached
def iso_datetime(value: datetime | None) -> str:
    """For <time datetime=…>."""
    if value is None:
        return ""
    local = value.astimezone(SHANGHAI) if value.tzinfo else value
    return local.isoformat(timespec="minutes")


def paragraphs(text: str | None) -> list[str]:
    """Plain source text as paragraphs: the template escapes each one (never |safe)."""
    # Every line is its own paragraph: numbered points (一、二、1. 2.) written one per line
    # inside a paragraph must not run together.
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def year(value: datetime | None) -> str:
    return str((value.astimezone(SHANGHAI) if value.tzinfo else value).year) if value else ""


def pct(value) -> str:
    """A share as the site prints it: "97.31%", or "—" when it has no base."""
    return "—" if value in (None, "—") else f"{value}%"


FILTERS = {
    "pct": pct,
    "cn_datetime": cn_datetime,
    "cn_date": cn_date,
    "iso_datetime": iso_datetime,
    "paragraphs": paragraphs,
    "days": dates.days,
    "year": year,
    "web_url": safe_url,
    "index_value": index_value,
    "readable_evidence": readable.evidence,
    "case_number": readable.case_number,
    "as_of_text": readable.as_of_text,
    "cn_dates": readable.cn_dates,
    "home_sections": home.sections,
}
