"""The story budget (选题单): what reporters should look at this morning, and why.

Sections, each ranked: trending now, newly resolved, overdue and worth
pressing, hot topics, claimed and in progress. Every line says why it ranks
(the score's parts, working days overdue, its topic, who claimed it). Gated
cases (举报, not cleared, taken down) stay in the budget, marked: the budget is
for the newsroom only, never part of ``make publish``.

One ``Budget`` feeds three outputs: the terminal table and CSV of ``wenzheng
budget``, and the newsroom-only page written during ``make html``.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Iterable

from ..caseview.model import Case
from ..caseview.settings import DEFAULT_TRENDING, merged
from ..caseview.status import ACTIVE_KINDS
from ..records import SHANGHAI
from ..sources.common import parse_datetime
from ..urls import case_url

#: Section key -> heading, in display order.
SECTIONS = {
    "trending": "正在升温",
    "resolved": "新近解决",
    "overdue": "逾期待追",
    "topics": "热点话题",
    "claimed": "认领跟进中",
}
CLOSED = ("已解决", "未解决")
CLOSED_KINDS = ("resolved", "unresolved")
#: Score parts as the desk reads them.
PART_LABELS = {"likes": "点赞", "replies": "跟帖", "views": "浏览", "overdue": "逾期", "repeat_place": "同地点重复投诉"}
#: Cases of one topic listed in the topics section.
TOPIC_CASES = 5


@dataclass
class Filters:
    """What the desk narrows the budget to; empty means everything."""

    board: str = ""
    department: str = ""
    type: str = ""
    field: str = ""
    status: str = ""
    since: date | None = None  # posted on or after
    until: date | None = None  # posted on or before

    @classmethod
    def parse(cls, **values) -> "Filters":
        """From command-line strings; dates as 2019-01-01. Raises ValueError naming the field."""
        for name in ("since", "until"):
            text = values.get(name)
            if isinstance(text, str) and text:
                try:
                    values[name] = parse_datetime(text).date()
                except ValueError:
                    raise ValueError(f"筛选条件 --{name}：无法识别的日期 {text!r}（应为 2019-01-01）") from None
        return cls(**{k: v or cls.__dataclass_fields__[k].default for k, v in values.items()})

    def match(self, case: Case) -> bool:
        p = case.petition
        posted = p.posted.astimezone(SHANGHAI).date() if p.posted else None
        return all((
            not self.board or p.board == self.board,
            not self.department or self.department in (case.department, p.department, case.unit),
            not self.type or p.type == self.type,
            not self.field or p.field == self.field,
            not self.status or case.status == self.status,
            not self.since or (posted is not None and posted >= self.since),
            not self.until or (posted is not None and posted <= self.until),
        ))

    def describe(self) -> str:
        labels = {"board": "板块", "department": "部门", "type": "类型", "field": "领域", "status": "状态",
                  "since": "起", "until": "止"}
        parts = [f"{labels[k]}：{v}" for k, v in self.__dict__.items() if v]
        return "；".join(parts) or "全部案件"


@dataclass
class Line:
    """One case in one section, with the reasons it ranks there."""

    section: str
    rank: int
    case: Case
    reasons: list[str]
    topic: str = ""  # topic label, in the topics section
    age_days: int = 0

    @property
    def gated(self) -> bool:
        return not self.case.public


@dataclass
class Budget:
    now: datetime
    filters: Filters
    total: int  # cases after filtering
    sections: dict[str, list[Line]] = field(default_factory=dict)
    #: Every hot topic among the filtered cases: (label, members by score), hottest first.
    topics: list[tuple[str, list[Case]]] = field(default_factory=list)

    def lines(self) -> Iterable[Line]:
        for lines in self.sections.values():
            yield from lines


# -- reasons -------------------------------------------------------------------------
def score_reason(case: Case) -> str:
    """The score's parts, e.g. "热度 0.0213 = (1 + 点赞 9 + 逾期 30) × 时效 0.0005"."""
    parts = [f"{PART_LABELS.get(name, name)} {value:g}" for name, value in case.score_parts.items()
             if name in PART_LABELS and value]
    decay = case.score_parts.get("decay")
    formula = " + ".join(["1", *parts])
    return f"热度 {case.score:.4g} = ({formula})" + (f" × 时效 {decay:.2g}" if decay is not None else "")


def reasons(case: Case, settings: dict, topic: str = "", topic_size: int = 0) -> list[str]:
    p = case.petition
    found = [score_reason(case)]
    if case.overdue_days:
        found.append(f"逾期 {case.overdue_days} 个工作日" + ("（至今未复）" if not p.replies else "（答复迟到）"))
    weight = merged(settings, "WENZHENG_TRENDING", DEFAULT_TRENDING)["repeat_place"]
    if weight and case.score_parts.get("repeat_place"):
        found.append(f"同一地点此前已有 {round(case.score_parts['repeat_place'] / weight)} 条留言")
    if topic:
        found.append(f"属于话题“{topic}”（{topic_size} 件）")
    claims = [f for f in case.followups if f.kind == "claimed"]
    if claims:
        found.append(f"已认领：{claims[-1].who}（{claims[-1].date.astimezone(SHANGHAI):%Y-%m-%d}）")
    if case.articles:
        found.append(f"已见报：《{case.articles[-1].title}》")
    if case.status in CLOSED:
        found.append(f"{case.status}：{case.evidence}")
    return found


# -- sections ------------------------------------------------------------------------
def resolved_at(case: Case) -> datetime:
    """When the case was resolved (its resolution clock's end), for "newly resolved"."""
    clock = case.clocks.get("resolution")
    if case.petition.posted and clock and clock.calendar_days is not None and not clock.running:
        return case.petition.posted + timedelta(days=clock.calendar_days)
    closing = [f.date for f in case.followups if f.kind in CLOSED_KINDS]
    return max(closing) if closing else (case.petition.posted or datetime.min.replace(tzinfo=SHANGHAI))



def last_followup(case: Case) -> datetime:
    return max(f.date for f in case.followups)


def _by_score(cases: Iterable[Case]) -> list[Case]:
    return sorted(cases, key=lambda c: (-c.score, c.key))


def _topic_groups(cases: list[Case], groups) -> list[tuple[str, list[Case]]]:
    """(label, member cases by score) for each hot topic, in the given (hottest first) order."""
    by_key = {case.key: case for case in cases}
    result = []
    for label, keys in groups:
        members = _by_score(by_key[k] for k in keys if k in by_key)
        if members:
            result.append((label, members))
    return result


def topic_groups(cases: list[Case], settings: dict) -> list[tuple[str, list[str]]]:
    """(label, case keys) of each hot topic, hottest first, from the case view's grouping.

    Grouped over the public cases, as the site's topic pages are: a topic has
    the same members and count in the budget as on its page.
    """
    from ..caseview.topics import topics

    return [(topic.label, list(topic.members)) for topic in topics([c for c in cases if c.public], settings)]


def make_budget(cases: Iterable[Case], settings: dict, now: datetime, filters: Filters | None = None,
                size: int | None = None, groups: list[tuple[str, list[str]]] | None = None) -> Budget:
    """Rank the (filtered) cases into the budget's sections, ``size`` lines each.

    ``groups`` are the hot topics as (label, case keys); computed from the cases when None.
    """
    filters = filters or Filters()
    size = size or settings.get("WENZHENG_BUDGET_SIZE", 15)
    chosen = [case for case in cases if filters.match(case)]
    topics = _topic_groups(chosen, topic_groups(chosen, settings) if groups is None else groups)
    budget = Budget(now=now, filters=filters, total=len(chosen), topics=topics)
    topic_of: dict[str, tuple[str, int]] = {}
    for label, members in topics:
        for case in members:
            topic_of.setdefault(case.key, (label, len(members)))
    open_cases = [c for c in chosen if c.status not in CLOSED]
    picks = {
        "trending": _by_score(open_cases),
        "resolved": sorted((c for c in chosen if c.status == "已解决"), key=resolved_at, reverse=True),
        "overdue": sorted((c for c in chosen if c.status == "逾期未复"), key=lambda c: (-c.score, -c.overdue_days)),
        "claimed": sorted((c for c in open_cases if any(f.kind in ACTIVE_KINDS for f in c.followups)),
                          key=last_followup, reverse=True),
    }

    def line(section: str, rank: int, case: Case, topic: str = "", topic_size: int = 0) -> Line:
        if not topic and case.key in topic_of:
            topic, topic_size = topic_of[case.key]
        age = (now - case.petition.posted).days if case.petition.posted else 0
        return Line(section, rank, case, reasons(case, settings, topic, topic_size), topic, age)

    for section in SECTIONS:
        if section == "topics":
            budget.sections[section] = [
                line(section, rank, case, label, len(members))
                for rank, (label, members) in enumerate(topics[:size], start=1)
                for case in members[:TOPIC_CASES]
            ]
        else:
            budget.sections[section] = [line(section, rank, case)
                                        for rank, case in enumerate(picks[section][:size], start=1)]
    return budget


# -- outputs -------------------------------------------------------------------------
CSV_COLUMNS = ("栏目", "排名", "案件编号", "标题", "板块", "部门", "类型", "领域", "状态", "留言时间", "天数",
               "理由", "话题", "不公开原因", "案件页", "原帖")


def csv_text(budget: Budget, case_url) -> str:
    """The budget as CSV for the desk's spreadsheet (BOM added by the writer)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for line in budget.lines():
        case, p = line.case, line.case.petition
        writer.writerow([
            SECTIONS[line.section], line.rank, case.key, p.title, p.board, case.department, p.type, p.field,
            case.status, p.posted.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if p.posted else "",
            line.age_days, "；".join(line.reasons), line.topic, case.gate_reason, case_url(case.key), p.url,
        ])
    return out.getvalue()


def write_csv(budget: Budget, path, case_url) -> None:
    # utf-8-sig: Excel, the desk's spreadsheet, needs the BOM to read Chinese CSV.
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        handle.write(csv_text(budget, case_url))


def print_budget(budget: Budget, console) -> None:
    """Rich tables, one per section."""
    from rich.table import Table

    console.print(f"[bold]零距离问政 · 选题单[/bold]　{budget.now.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
                  f"　筛选：{budget.filters.describe()}（{budget.total} 件）")
    for section, lines in budget.sections.items():
        table = Table(title=SECTIONS[section], show_lines=True, expand=True)
        for name, options in (("#", {"justify": "right"}), ("案件", {"no_wrap": True}), ("标题", {"ratio": 3}),
                              ("板块/部门", {"ratio": 1}), ("状态", {"no_wrap": True}), ("天数", {"justify": "right"}),
                              ("为何上榜", {"ratio": 4})):
            table.add_column(name, **options)
        for line in lines:
            case, p = line.case, line.case.petition
            status = case.status + ("\n[red]不公开[/red]" if line.gated else "")
            why = "\n".join(line.reasons + ([f"[red]{case.gate_reason}[/red]"] if line.gated else []))
            title = (f"[{line.topic}] " if section == "topics" else "") + p.title
            table.add_row(str(line.rank), case.key, title, "／".join(x for x in (p.board, case.department) if x),
                          status, str(line.age_days), why)
        if not lines:
            table.add_row("", "", "（暂无）", "", "", "", "")
        console.print(table)


def write_budget_page(build) -> None:
    """Site output (site/outputs.py): the newsroom-only budget page and its CSV, ``make html`` only."""
    settings = build.settings
    if not settings.get("WENZHENG_NEWSROOM_PAGES", True):
        return
    from ..caseview.view import build_now

    # The build's hot topics (over public cases) are reused: grouping every case again
    # costs seconds per ten thousand cases; gated cases still rank in the other sections.
    groups = [(topic.label, list(topic.members)) for topic in build.topics] if build.topics is not None else None
    budget = make_budget(build.full_cases(), settings, build_now(settings), groups=groups)
    csv_as = settings.get("WENZHENG_BUDGET_CSV_SAVE_AS", "newsroom/budget/budget.csv")
    build.write(csv_as, "\ufeff" + csv_text(budget, case_url))
    save_as = settings.get("WENZHENG_BUDGET_SAVE_AS", "newsroom/budget/index.html")
    build.render("budget", save_as, budget=budget, sections=SECTIONS, case_url=case_url,
                 csv_url=_relative(save_as, csv_as))


def _relative(page: str, target: str) -> str:
    """URL of ``target`` from the folder of ``page`` (both relative to the output root)."""
    import posixpath

    return posixpath.relpath(target, posixpath.dirname(page) or ".")
