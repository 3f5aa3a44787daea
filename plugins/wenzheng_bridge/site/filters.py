"""Jinja filters of the theme (registered through JINJA_FILTERS by the plugin)."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from ..records import SHANGHAI
from ..trust.sanitize import safe_url
from .search import index_value

#: A case's dates appear on its page and on six index pages: format each once.
_cached = lru_cache(maxsize=1 << 16)


@_cached
def cn_datetime(value: datetime | None) -> str:
    """``2019年2月28日 11:25`` in Asia/Shanghai (the date alone at midnight)."""
    if value is None:
        return "时间不详"
    local = value.astimezone(SHANGHAI) if value.tzinfo else value
    text = f"{local.year}年{local.month}月{local.day}日"
    return text if (local.hour, local.minute) == (0, 0) else f"{text} {local:%H:%M}"


@_cached
def cn_date(value: datetime | None) -> str:
    if value is None:
        return "日期不详"
    local = value.astimezone(SHANGHAI) if value.tzinfo else value
    return f"{local.year}年{local.month}月{local.day}日"


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


def days(value) -> str:
    return "—" if value is None else f"{value:g}"


def pct(value) -> str:
    """A share as the site prints it: "97.31%", or "—" when it has no base."""
    return "—" if value in (None, "—") else f"{value}%"


FILTERS = {
    "pct": pct,
    "cn_datetime": cn_datetime,
    "cn_date": cn_date,
    "iso_datetime": iso_datetime,
    "paragraphs": paragraphs,
    "days": days,
    "year": year,
    "web_url": safe_url,
    "index_value": index_value,
}
