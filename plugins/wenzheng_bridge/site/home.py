"""The home page's case sections, in the order a reader cares about them.

After the column's latest articles (Pelican's, in the template): the cases the paper is
following, the newly resolved, and the longest overdue among recent cases (posted within
``WENZHENG_HOME_RECENT_DAYS`` of the build's now, so a case left unanswered for years does not
head the page). A section without cases is left out by the template, never shown empty.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ..records import Status


@dataclass(frozen=True)
class Section:
    name: str  # the section's id and CSS class
    heading: str
    rows: list
    more_url: str = ""  # the full list behind the section, site-relative
    more_text: str = ""


def sections(site) -> list[Section]:
    """The case sections of the home page (``site``: the build's ``SiteData``), in reading order."""
    size = site.options.home_items
    following = [r for r in site.rows if r.status in (Status.FOLLOWING, Status.REPORTED)]
    following.sort(key=lambda r: (r.updated is not None, r.updated or 0, r.key), reverse=True)
    resolved = [r for r in site.rows if r.status == Status.RESOLVED]
    resolved.sort(key=lambda r: (r.updated is not None, r.updated or 0, r.key), reverse=True)
    return [
        # 跟进中 and 已见报 are two status pages: the column's list is their common "more".
        Section("following", "本报跟进和报道的案件", following[:size], "archives.html", "本栏全部报道"),
        Section("resolved", "新近解决", resolved[:size], site.url("status", Status.RESOLVED), "全部已解决的案件"),
        Section("overdue", "近期逾期最久", recent_overdue(site)[:size],
                site.url("status", Status.OVERDUE), "全部逾期未复的案件"),
    ]


def recent_overdue(site) -> list:
    """Overdue cases posted within the recent window, longest overdue first."""
    since = site.as_of.now - timedelta(days=site.options.home_recent_days) if site.as_of else None
    rows = [r for r in site.rows if r.status == Status.OVERDUE and r.posted and (since is None or r.posted >= since)]
    rows.sort(key=lambda r: (-r.overdue_days, r.key))
    return rows
