"""The 问政成效 page and its Atom feed: cases resolved after the paper reported them.

An OUTPUTS entry (``write_results``). In a site build only the reported cases
are built again from the store (``caseview.reported``), with the records the
build read; given full cases (tests, tools) it reads those. Figures come from
``caseview.results``: a case without a resolution time is not counted.
"""
from __future__ import annotations

from ..caseview.asof import as_of
from ..caseview.reported import reported_cases
from ..caseview.results import Result, results, yearly
from ..config import CoreSettings
from ..dates import cn_date, days
from ..store import Store
from ..urls import case_url
from .build import Build
from .feeds import feed_document, feed_entry, paragraphs

PAGE = "results/"
FEED = "feeds/results.atom.xml"


def found_results(build: Build) -> list[Result]:
    """The public cases resolved after a report, newest first."""
    if build.records is None:  # a build from full cases (tools, tests): they are at hand
        return results(build.cases)
    path = CoreSettings.of(build.settings).store_path
    with Store.open(path, readonly=True) as store:
        return results(reported_cases(store, build.settings, build.records))


def summary(result: Result) -> str:
    """One line in Chinese: how long after the report, and the resident's feedback."""
    clock = result.clock
    line = f"见报后 {clock.working_days} 个工作日（{days(clock.calendar_days)} 天）得到解决"
    return line + (f"；{feedback_text(result)}" if result.feedback else "")


def feedback_text(result: Result) -> str:
    said = result.feedback
    if said is None:
        return ""
    if said.from_source:
        return f"平台记录的满意度：{said.satisfaction}"
    return f"居民回访：{said.satisfaction}" + (f"，“{said.quote}”" if said.quote else "")


def write_results(build: Build) -> None:
    """OUTPUTS entry: results/index.html and feeds/results.atom.xml."""
    found = found_results(build)
    when = as_of(build.settings, getattr(build.stats, "now", None))
    build.render("results", PAGE + "index.html", results=found, totals=yearly(found), as_of=when,
                 feed=FEED, summary=summary, feedback_text=feedback_text)
    name = build.settings.get("SITENAME", "")
    entries = [feed_entry(
        build.settings, title=f"【见报后解决】{r.case.petition.title}", path=case_url(r.case.key),
        summary_html=paragraphs(f"{summary(r)}\n本报报道：{cn_date(r.reported)}"
                                + (f"《{r.article.title}》" if r.article else "")
                                + f"\n解决：{cn_date(r.resolved)}"),
        author=r.case.department or r.case.petition.board, when=r.resolved,
        uid_path=f"{case_url(r.case.key)}results", categories=[x for x in (r.case.petition.board,) if x])
        for r in found]
    build.write(FEED, feed_document(build.settings, FEED, f"{name}：问政成效", PAGE, entries, when.now))
