"""What a reader sees of a case's internal facts: evidence with its link, the case number, dates.

The case view states its evidence in the newsroom's terms (ISO dates, an article's URL after its
title) because the story budget and the command line print it as it is. The reader site shows the
same facts in the site's one date format, with an article as a link named by its title, and the
case by its 留言编号 and board, never by the store's source key.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .. import dates
from ..records import SHANGHAI
from ..trust.sanitize import safe_url

#: ISO dates (and minutes) the case view writes into its evidence.
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}))?")
#: "… 见报：《title》 column/slug/" or "… 见报 https://…": the link at the end of an evidence text.
_TRAILING_LINK = re.compile(r"\s+(\S+/)$|\s+(https?://\S+)$")


def cn_dates(text: str) -> str:
    """Every ISO date (with its minute) in ``text`` in the site's format: 2019年10月8日 12:29."""
    def one(match: re.Match) -> str:
        year, month, day, hour, minute = match.groups()
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), tzinfo=SHANGHAI)
        return dates.cn_datetime(moment) if hour else dates.cn_date(moment)
    return _ISO.sub(one, text or "")


@dataclass(frozen=True)
class Evidence:
    """A status's evidence as the page shows it: text, and the article it names as a link."""

    text: str
    href: str = ""  # site-relative ("column/x/") or an absolute web address
    title: str = ""  # the link's text: the article's title


def evidence(case) -> Evidence:
    """The case's evidence with its trailing article address turned into a titled link."""
    text = case.evidence or ""
    match = _TRAILING_LINK.search(text)
    if not match:
        return Evidence(cn_dates(text))
    address = match.group(1) or match.group(2)
    head = text[: match.start()]
    article = next((a for a in case.articles if a.url.strip("/") == address.strip("/")), None)
    if address.startswith(("http://", "https://")) and not safe_url(address):
        return Evidence(cn_dates(head))
    title = article.title if article else ""
    titled = f"《{title}》" if title else ""
    if titled and titled in head:  # the title moves into the link, not shown twice
        head = head.replace(titled, "").rstrip()
    return Evidence(cn_dates(head), address, title or "本报报道")


def case_number(case, board: bool = True) -> str:
    """``留言编号 360100 · A5区``: how the platform and the reader know a case (a Case or a Row).

    ``board=False`` where the board is already beside it (the case page's breadcrumb).
    """
    petition = case.petition  # a Row stands in for its own petition, without a source_id
    # A case's key is "<source>-<source id>" (records.Petition.key).
    source_id = getattr(petition, "source_id", None) or case.key.removeprefix(f"{petition.source}-")
    number = f"留言编号 {source_id}" if source_id else "留言编号不详"
    return f"{number} · {petition.board}" if board and petition.board else number


def as_of_text(as_of) -> str:
    """The build's 数据截至 line in the site's date format."""
    return cn_dates(as_of.text()) if as_of else ""
