"""The story budget (选题单): what reporters should look at this morning, and why.

Five sections, each answering one question, and a case appears in at most one
(the first whose question it answers, in this order):

- 认领跟进中: who holds it, the last step, the next step and its due date
  (overdue next steps first);
- 正在升温: engagement growing between pulls (likes, dislikes, views,
  replies, from the store's counter history), repeated complaints about the
  same place, a topic gaining posts;
- 新近解决: resolved lately, to report back;
- 逾期待追: longest overdue, weighted by public interest;
- 待回访: 未解决, or resolved long ago with no visit since;
- 不公开待处理: gated cases none of the above took, so an editor still sees
  every case waiting for a clearance or kept down.

Every reason is one plain sentence an editor can check against the case page.
Gated cases (举报, not cleared, taken down) stay in the budget, marked: the
budget is for the newsroom only, never part of ``make publish``.

One ``Budget`` feeds three outputs: the terminal table and CSV of ``wenzheng
budget``, and the newsroom-only page written during ``make html``.
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Iterable

from ..caseview.model import STATUSES, Case
from ..caseview.settings import CaseviewSettings
from ..config import CoreSettings
from ..dates import iso_date, iso_minute
from .settings import NewsroomSettings
from ..caseview.trending import PlaceRepeats
from ..records import FOLLOWUP_KINDS, SHANGHAI, Status
from ..sources.common import parse_datetime
from ..trust.sanitize import spreadsheet_cell
from ..urls import absolute, case_url
from .records import holder, next_due

#: Section key -> heading, in display order (also the order a case is placed in).
SECTIONS = {
    "claimed": "认领跟进中",
    "trending": "正在升温",
    "resolved": "新近解决",
    "overdue": "逾期待追",
    "revisit": "待回访",
    "hidden": "不公开待处理",
}
QUESTIONS = {
    "claimed": "谁在跟、做到哪一步、下一步何时到期",
    "trending": "两次拉取之间关注度在上升的留言",
    "resolved": "最近解决、可以回头报道的",
    "overdue": "逾期最久、关注度最高、值得追问的",
    "revisit": "未解决，或解决已久而从未回访的",
    "hidden": "未列入以上各栏、不能公开的案件（举报、待审、撤下）：等编辑审核或决定",
}
#: Days after which a resolution is no longer news (新近解决) ...
RECENT_DAYS = 30
#: ... and after which a resolution nobody went back to needs a 回访.
REVISIT_DAYS = 90
#: A place counts as repeating from its second complaint within the window (the sample never reaches a third).
REPEAT_MIN = 2
#: Window of "recent" for repeats and topic growth, days.
FRESH_DAYS = 30
#: Kinds that count as going back to a case after its resolution.
VISIT_KINDS = ("visited", "interviewed", "published", "reopened", "revisited")
#: Counters as the desk reads them, with their weight in the growth score.
COUNTER_LABELS = {"likes": "点赞", "dislikes": "点踩", "reply_count": "跟帖", "views": "浏览"}
GROWTH_WEIGHTS = {"likes": 1.0, "dislikes": 1.0, "reply_count": 5.0, "views": 0.01}
#: Cases of one topic listed on the page.
TOPIC_CASES = 5


def number(value: int | float) -> str:
    return f"{value:,.0f}"


class FilterError(ValueError):
    """A filter value the budget cannot use: names it and lists the valid ones."""


@dataclass
class Filters:
    """What the desk narrows the budget to; empty means everything."""

    board: str = ""
    department: str = ""
    type: str = ""
    field: str = ""
    status: str = ""
    reporter: str = ""
    since: date | None = None  # posted on or after
    until: date | None = None  # posted on or before (inclusive, like ``stats --to``)

    @classmethod
    def parse(cls, **values) -> "Filters":
        """From command-line strings; dates as 2019-01-01. Raises FilterError naming the field."""
        for name in ("since", "until"):
            text = values.get(name)
            if isinstance(text, str) and text:
                try:
                    values[name] = parse_datetime(text).date()
                except ValueError:
                    raise FilterError(f"筛选条件 --{name}：无法识别的日期 {text!r}（应为 2019-01-01）") from None
        made = cls(**{k: v or cls.__dataclass_fields__[k].default for k, v in values.items()})
        if made.since and made.until and made.since > made.until:
            raise FilterError(f"筛选条件 --since {made.since} 晚于 --until {made.until}：日期范围颠倒了")
        return made

    def check(self, cases: list[Case]) -> None:
        """Refuse a value no case has (a typo gives an empty budget otherwise), listing the valid ones."""
        def known(name: str, label: str, values: Iterable[str]) -> None:
            wanted = getattr(self, name)
            valid = list(dict.fromkeys(v for v in values if v))
            valid = valid if name == "status" else sorted(valid)  # statuses keep their display order
            if wanted and wanted not in valid:
                shown = "、".join(valid[:40]) + ("……" if len(valid) > 40 else "")
                raise FilterError(f"筛选条件 --{name}：没有{label} {wanted!r}（可用：{shown or '无'}）")

        known("board", "板块", (c.petition.board for c in cases))
        known("type", "类型", (c.petition.type for c in cases))
        known("field", "领域", (c.petition.field for c in cases))
        known("status", "状态", STATUSES)
        known("reporter", "认领记者", (f.who for c in cases for f in c.followups if f.kind == "claimed"))
        if self.department and not any(self.department in (c.department, c.petition.department, c.unit) for c in cases):
            departments = sorted({c.department for c in cases if c.department})
            raise FilterError(f"筛选条件 --department：没有部门 {self.department!r}"
                              f"（可用：{'、'.join(departments[:40])}{'……' if len(departments) > 40 else ''}）")

    def match(self, case: Case) -> bool:
        p = case.petition
        posted = p.posted.astimezone(SHANGHAI).date() if p.posted else None
        claim = holder(case.followups) if self.reporter else None
        return all((
            not self.board or p.board == self.board,
            not self.department or self.department in (case.department, p.department, case.unit),
            not self.type or p.type == self.type,
            not self.field or p.field == self.field,
            not self.status or case.status == self.status,
            not self.reporter or (claim is not None and claim.who == self.reporter),
            not self.since or (posted is not None and posted >= self.since),
            not self.until or (posted is not None and posted <= self.until),
        ))

    def describe(self) -> str:
        labels = {"board": "板块", "department": "部门", "type": "类型", "field": "领域", "status": "状态",
                  "reporter": "记者", "since": "起", "until": "止"}
        parts = [f"{labels[k]}：{v}" for k, v in self.__dict__.items() if v]
        return "；".join(parts) or "全部案件"


@dataclass
class Line:
    """One case in one section, with the reasons it ranks there."""

    section: str
    rank: int
    case: Case
    reasons: list[str]
    topic: str = ""  # the case's hot topic, if any
    age_days: int = 0
    reporter: str = ""  # who holds the case
    last_step: str = ""  # the latest follow-up, as "2020-01-20 实地走访"
    due: datetime | None = None  # the next step's due date
    overdue_step: bool = False  # the next step is past due

    @property
    def gated(self) -> bool:
        return not self.case.public


@dataclass
class Budget:
    now: datetime
    filters: Filters
    total: int  # cases after filtering
    sections: dict[str, list[Line]] = field(default_factory=dict)
    #: Every hot topic among the filtered cases: (label, members by interest), hottest first.
    topics: list[tuple[str, list[Case]]] = field(default_factory=list)

    def lines(self) -> Iterable[Line]:
        for lines in self.sections.values():
            yield from lines


# -- what the desk measures ------------------------------------------------------------
def interest(case: Case) -> float:
    """Public interest: what residents themselves did (likes, dislikes, replies, views)."""
    p = case.petition
    return (p.likes or 0) + (p.dislikes or 0) + 5 * (p.reply_count or 0) + (p.views or 0) / 100


def interest_sentence(case: Case) -> str:
    p = case.petition
    parts = [f"{COUNTER_LABELS[name]} {number(getattr(p, name))}" for name in COUNTER_LABELS if getattr(p, name)]
    return "、".join(parts)


def resolved_at(case: Case) -> datetime:
    """When the case was resolved: the newsroom's closing record, else the resolution clock's end."""
    closing = [f.date for f in case.followups if f.kind in ("resolved", "unresolved")]
    if closing:
        return max(closing)
    clock = case.clocks.get("resolution")
    if case.petition.posted and clock and clock.calendar_days is not None and not clock.running:
        return case.petition.posted + timedelta(days=clock.calendar_days)
    return case.petition.posted or datetime.min.replace(tzinfo=SHANGHAI)


def place_repeats(cases: list[Case], settings: dict) -> dict[str, tuple[int, str]]:
    """case key -> (this is the n-th complaint within the window, the place), for repeating places."""
    window = CaseviewSettings.of(settings).trending["place_window_days"]
    repeats = PlaceRepeats(window)
    found: dict[str, tuple[int, str]] = {}
    for case in sorted((c for c in cases if c.petition.posted), key=lambda c: c.petition.posted):
        for place in case.petition.places:
            nth = repeats.count_at(case.petition.posted, [place]) + 1
            if nth >= REPEAT_MIN and nth > found.get(case.key, (0, ""))[0]:
                found[case.key] = (nth, place)
    return found


def _window_words(days: float) -> str:
    return {30: "一个月", 60: "两个月", 90: "三个月", 180: "半年", 365: "一年"}.get(int(days), f"{days:g} 天")


def growth_sentences(moved: dict[str, tuple[int, int, str]]) -> list[str]:
    return [f"{COUNTER_LABELS[name]} {number(new)}，比上次拉取{'多' if new > old else '少'} {number(abs(new - old))}"
            for name, (old, new, _) in moved.items() if name in COUNTER_LABELS]


def growth_score(moved: dict[str, tuple[int, int, str]]) -> float:
    return sum(GROWTH_WEIGHTS[name] * max(new - old, 0) for name, (old, new, _) in moved.items()
               if name in GROWTH_WEIGHTS)


def last_step(case: Case) -> str:
    steps = [f for f in case.followups if f.kind != "claimed"]
    if not steps:
        return ""
    item = steps[-1]
    return f"{iso_date(item.date)} {FOLLOWUP_KINDS.get(item.kind, item.kind)}"


# -- sections ------------------------------------------------------------------------
def topic_groups(cases: list[Case], settings: dict) -> list[tuple[str, list[str]]]:
    """(label, case keys) of each hot topic, hottest first, from the case view's grouping.

    Grouped over the public cases, as the site's topic pages are: a topic has
    the same members and count in the budget as on its page.
    """
    from ..caseview.topics import topics

    return [(topic.label, list(topic.members)) for topic in topics([c for c in cases if c.public], settings)]


def _topic_groups(cases: list[Case], groups) -> list[tuple[str, list[Case]]]:
    """(label, member cases, most interest first) for each hot topic, in the given order."""
    by_key = {case.key: case for case in cases}
    result = []
    for label, keys in groups:
        members = sorted((by_key[k] for k in keys if k in by_key), key=lambda c: (-interest(c), c.key))
        if members:
            result.append((label, members))
    return result


class _Picker:
    """Works out each section's candidates with their reasons and rank keys."""

    def __init__(self, cases: list[Case], settings: dict, now: datetime, growth: dict, topics,
                 arrivals: set[str]):
        self.cases, self.settings, self.now, self.growth, self.arrivals = cases, settings, now, growth, arrivals
        self.repeats = place_repeats(cases, settings)
        self.window = CaseviewSettings.of(settings).trending["place_window_days"]
        self.topic_of: dict[str, tuple[str, list[Case]]] = {}
        for label, members in topics:
            for case in members:
                self.topic_of.setdefault(case.key, (label, members))

    def fresh(self, case: Case) -> bool:
        posted = case.petition.posted
        return posted is not None and self.now - posted <= timedelta(days=FRESH_DAYS)

    def claimed(self, case: Case):
        claim = holder(case.followups)
        if claim is None:
            return None
        due = next_due(case.followups)
        due_at = due.due if due and due.date >= claim.date else None
        late = due_at is not None and due_at.astimezone(SHANGHAI).date() < self.now.astimezone(SHANGHAI).date()
        why = [f"{claim.who} 于 {iso_date(claim.date)} 认领"]
        step = last_step(case)
        why.append(f"最近进展：{step}" if step else "认领后尚无进展记录")
        if due_at:
            days = (self.now.astimezone(SHANGHAI).date() - due_at.astimezone(SHANGHAI).date()).days
            why.append(f"下一步期限 {iso_date(due_at)}，已过期 {days} 天" if late else f"下一步期限 {iso_date(due_at)}")
        # Overdue next steps first, then the nearest due date, then the longest without news.
        key = (not late, due_at or datetime.max.replace(tzinfo=SHANGHAI), case.followups[-1].date)
        return key, why

    def trending(self, case: Case):
        why, score = [], 0.0
        moved = self.growth.get(case.key)
        if moved:
            why += growth_sentences(moved)
            score += growth_score(moved)
        if case.key in self.repeats and self.fresh(case):
            nth, place = self.repeats[case.key]
            why.append(f"同一地点（{place}）{_window_words(self.window)}内第 {nth} 次投诉")
            score += 10 * (nth - REPEAT_MIN + 1)
        if case.key in self.topic_of and (case.key in self.arrivals or self.fresh(case)):
            label, members = self.topic_of[case.key]
            pulled = sum(1 for c in members if c.key in self.arrivals)
            new = sum(1 for c in members if self.fresh(c))
            if case.key in self.arrivals and pulled >= 2:
                why.append(f"所属话题“{label}”上次拉取新增 {pulled} 件（共 {len(members)} 件）")
                score += 3 * pulled
            elif self.fresh(case) and new >= 2:
                why.append(f"所属话题“{label}”{FRESH_DAYS} 天内新增 {new} 件（共 {len(members)} 件）")
                score += 3 * new
        if score <= 0:
            return None
        return (-score, case.key), why

    def resolved(self, case: Case):
        if case.status != Status.RESOLVED:
            return None
        at = resolved_at(case)
        if self.now - at > timedelta(days=RECENT_DAYS):
            return None
        return (-at.timestamp(), case.key), [f"{iso_date(at)} 已解决（依据：{case.evidence}）"]

    def overdue(self, case: Case):
        if case.status != Status.OVERDUE or not case.overdue_days:
            return None
        why = [f"逾期 {case.overdue_days} 个工作日仍未答复" + (f"（答复期限 {iso_date(case.deadline)}）" if case.deadline else "")]
        said = interest_sentence(case)
        if said:
            why.append(f"网友关注：{said}")
        weight = case.overdue_days * (1 + math.log10(1 + interest(case)))
        return (-weight, case.key), why

    def revisit(self, case: Case):
        if case.status == Status.UNRESOLVED:
            at = resolved_at(case)
            return (at.timestamp(), case.key), [f"{iso_date(at)} 记为未解决（依据：{case.evidence}），需要回访"]
        if case.status != Status.RESOLVED:
            return None
        at = resolved_at(case)
        if self.now - at <= timedelta(days=REVISIT_DAYS):
            return None
        if any(f.kind in VISIT_KINDS and f.date > at for f in case.followups):
            return None
        months = (self.now - at).days // 30
        return (-interest(case), at.timestamp(), case.key), [
            f"{iso_date(at)} 已解决，至今 {months} 个月没有回访" + (f"（网友关注：{interest_sentence(case)}）"
                                                        if interest_sentence(case) else "")]


    def hidden(self, case: Case):
        if case.public:
            return None
        return (case.key,), [case.gate_reason]


def make_budget(cases: Iterable[Case], settings: dict, now: datetime, filters: Filters | None = None,
                size: int | None = None, groups: list[tuple[str, list[str]]] | None = None,
                growth: dict | None = None, arrivals: set[str] | None = None) -> Budget:
    """Place the (filtered) cases into the budget's sections, ``size`` lines each.

    ``groups`` are the hot topics as (label, case keys), computed from the cases when None;
    ``growth`` is the store's ``counter_growth()`` (counters that moved at the last pull),
    ``arrivals`` its ``arrivals()`` (cases the last pull brought in).
    """
    filters = filters or Filters()
    size = size or NewsroomSettings.of(settings).budget_size
    everything = list(cases)
    filters.check(everything)
    chosen = [case for case in everything if filters.match(case)]
    topics = _topic_groups(chosen, topic_groups(chosen, settings) if groups is None else groups)
    budget = Budget(now=now, filters=filters, total=len(chosen), topics=topics)
    picker = _Picker(chosen, settings, now, growth or {}, topics, arrivals or set())
    candidates: dict[str, list] = {section: [] for section in SECTIONS}
    for case in chosen:
        for section in SECTIONS:
            found = getattr(picker, section)(case)
            if found is not None:
                candidates[section].append((found[0], case, found[1]))
                break  # one section per case: the first question it answers
    for section, found in candidates.items():
        found.sort(key=lambda item: item[0])
        budget.sections[section] = [_line(section, rank, case, why, picker, now)
                                    for rank, (_, case, why) in enumerate(found[:size], start=1)]
    return budget


def _line(section: str, rank: int, case: Case, why: list[str], picker: _Picker, now: datetime) -> Line:
    claim = holder(case.followups)
    due = next_due(case.followups)
    due_at = due.due if due and claim and due.date >= claim.date else None
    reasons = list(why)
    if case.articles:
        reasons.append(f"本报已报道：《{case.articles[-1].title}》（{iso_date(case.articles[-1].date)}）")
    topic = picker.topic_of.get(case.key, ("", []))[0]
    age = (now - case.petition.posted).days if case.petition.posted else 0
    late = due_at is not None and due_at.astimezone(SHANGHAI).date() < now.astimezone(SHANGHAI).date()
    return Line(section, rank, case, reasons, topic, age, claim.who if claim else "", last_step(case), due_at, late)


# -- outputs -------------------------------------------------------------------------
CSV_COLUMNS = ("栏目", "排名", "案件编号", "标题", "状态", "记者", "最近进展", "下一步期限", "理由", "板块", "部门",
               "类型", "领域", "留言时间", "天数", "话题", "不公开原因", "案件页", "原帖")


def case_link(settings: dict):
    """key -> absolute URL of the case page: the site's address when it has one, else the built file."""
    from pathlib import Path

    from ..urls import site_root

    if site_root(settings).startswith(("http://", "https://")):
        return lambda key: absolute(settings, case_url(key))
    output = Path(settings.get("OUTPUT_PATH") or "output").resolve()
    return lambda key: (output / case_url(key) / "index.html").as_uri()


def csv_text(budget: Budget, link) -> str:
    """The budget as CSV for the desk's spreadsheet: CRLF rows (BOM added by the writer).

    ``link`` maps a case key to its page's absolute URL (``case_link``).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in budget.lines():
        case, p = line.case, line.case.petition
        writer.writerow([spreadsheet_cell(value) for value in (
            SECTIONS[line.section], line.rank, case.key, p.title, case.status, line.reporter, line.last_step,
            iso_date(line.due), "；".join(line.reasons), p.board, case.department, p.type, p.field,
            iso_minute(p.posted), line.age_days,
            line.topic, case.gate_reason, link(case.key), p.url)])
    return out.getvalue()


def write_csv(budget: Budget, path, link) -> None:
    # utf-8-sig: Excel and WPS need the BOM to read Chinese CSV as UTF-8.
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        handle.write(csv_text(budget, link))


def print_budget(budget: Budget, console) -> None:
    """One compact table per section, fitting an 80-column terminal: the reasons on their own row."""
    from rich.table import Table

    console.print(f"[bold]零距离问政 · 选题单[/bold]　{iso_minute(budget.now)}"
                  f"\n筛选：{budget.filters.describe()}（{budget.total} 件）", highlight=False)
    for section, lines in budget.sections.items():
        table = Table(title=f"{SECTIONS[section]}（{len(lines)}）：{QUESTIONS[section]}", expand=True,
                      show_lines=True, title_justify="left")
        table.add_column("#", justify="right", no_wrap=True, width=2)
        table.add_column("案件", no_wrap=True, min_width=12)
        table.add_column("状态", width=8, overflow="fold")  # 答复情况不明 folds onto two lines
        table.add_column("标题 · 为何上榜", ratio=1, overflow="fold")
        for line in lines:
            case, p = line.case, line.case.petition
            status = case.status + ("\n[red]不公开[/red]" if line.gated else "")
            who = f"\n记者：{line.reporter}" if line.reporter else ""
            why = "\n".join(f"· {reason}" for reason in line.reasons + ([case.gate_reason] if line.gated and case.gate_reason not in line.reasons else []))
            table.add_row(str(line.rank), case.key + who, status, f"[bold]{_escape(p.title)}[/bold]\n{_escape(why)}")
        if not lines:
            table.add_row("", "", "", "（暂无）")
        console.print(table)
    if budget.topics:
        console.print("[bold]热点话题[/bold]　" + "；".join(f"{label}（{len(members)} 件）"
                                                       for label, members in budget.topics[:10]), highlight=False)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def write_budget_page(build) -> None:
    """Site output (site/outputs.py): the newsroom-only budget page and its CSV, ``make html`` only."""
    settings = build.settings
    options = NewsroomSettings.of(settings)
    if not options.newsroom_pages:
        return
    from ..caseview.view import build_now

    # The build's hot topics (over public cases) are reused: grouping every case again
    # costs seconds per ten thousand cases; gated cases still rank in the other sections.
    groups = [(topic.label, list(topic.members)) for topic in build.topics] if build.topics is not None else None
    budget = make_budget(build.full_cases(), settings, build_now(settings), groups=groups,
                         **store_growth(settings))
    csv_as = options.budget_csv_save_as
    build.write(csv_as, "\ufeff" + csv_text(budget, case_link(settings)))
    save_as = options.budget_save_as
    build.render("budget", save_as, budget=budget, sections=SECTIONS, questions=QUESTIONS, case_url=case_url,
                 csv_url=_relative(save_as, csv_as))


def store_growth(settings: dict) -> dict:
    """``make_budget``'s growth and arrivals, from the store's history (empty when there is no store)."""
    from ..store import Store

    path = CoreSettings.of(settings).store_path
    if not path.exists():
        return {}
    with Store.open(path, readonly=True) as store:
        return {"growth": store.counter_growth(), "arrivals": store.arrivals()}


def _relative(page: str, target: str) -> str:
    """URL of ``target`` from the folder of ``page`` (both relative to the output root)."""
    import posixpath

    return posixpath.relpath(target, posixpath.dirname(page) or ".")
