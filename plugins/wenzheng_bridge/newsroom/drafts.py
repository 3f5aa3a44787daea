"""Editorial drafts for the 零距离问政 column: Markdown an editor can work from.

A draft is written to ``content/drafts/<slug>.md`` with ``Status: draft`` and
front matter naming its cases; several cases (one hot topic) can share one.
Beside it, ``content/newsroom/drafts/<slug>.json`` keeps what was generated:
the text's SHA-256 and the facts it was written from. That makes the command
safe to run every morning:

- the file is as generated: it is refreshed (rewritten only if the text changed);
- an editor changed it: it is never touched; facts that are new since it was
  generated (a reply, a follow-up, a status) are reported instead.

Text comes from ``Case.petition``, already masked by the trust layer; notes
the newsroom typed are masked here as well. A draft is written to become a
public article: it carries no reporter's name, no internal note (only notes
the record marked 公开) and no record file or line. A draft of a case that may
not be public (举报, 待审) says so in its front matter (``Review:``) and in a
line at the top of its body.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..caseview.model import Case
from ..records import FOLLOWUP_KINDS, SHANGHAI
from ..trust.sanitize import output_text
from .records import content_dir, records_dir

#: What happened to a draft, as the command reports it.
ACTIONS = {
    "new": "新建",
    "refreshed": "已刷新",
    "unchanged": "无变化",
    "kept": "编辑已修改，未覆盖",
    "restored": "已重建（原文件被删除）",
}
COLUMN = "零距离问政"
NOTES_PLACEHOLDER = "（记者在此补充：现场走访、采访对象、部门回应、核实情况。）"


@dataclass
class Draft:
    slug: str
    keys: list[str]
    text: str
    facts: list[str]


@dataclass
class Outcome:
    slug: str
    path: Path
    action: str
    keys: list[str]
    new_facts: list[str] = field(default_factory=list)


# -- where ----------------------------------------------------------------------------
def drafts_dir(settings: dict) -> Path:
    return content_dir(settings) / settings.get("WENZHENG_DRAFTS_DIR", "drafts")


def sidecar_path(settings: dict, slug: str) -> Path:
    return records_dir(settings) / "drafts" / f"{slug}.json"


def slug_for(keys: list[str]) -> str:
    """Stable for the same set of cases, so a rerun finds its own draft."""
    if len(keys) == 1:
        return f"wenzheng-{keys[0]}"
    digest = hashlib.sha1(",".join(sorted(keys)).encode()).hexdigest()[:6]
    return f"wenzheng-{keys[0]}-{len(keys)}jian-{digest}"


# -- text pieces ----------------------------------------------------------------------
def plain(text: str) -> str:
    """Any text as safe Markdown: plain and masked by the trust layer, and no "<" Markdown could
    pass through as HTML once the editor publishes."""
    return output_text(text or "").replace("<", "&lt;").strip()


def quote(text: str) -> str:
    paragraphs = [p.strip() for p in plain(text).splitlines() if p.strip()]
    return "\n>\n".join(f"> {p}" for p in paragraphs) or "> （原文为空）"


def day(value: datetime | None) -> str:
    if value is None:
        return "日期不详"
    local = value.astimezone(SHANGHAI)
    return f"{local.year}年{local.month}月{local.day}日"


def stamp(value: datetime) -> str:
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _joined(values) -> str:
    seen = [v for v in dict.fromkeys(values) if v]
    return "、".join(seen)


def _reply_sentence(case: Case) -> str:
    p = case.petition
    clock = case.clocks.get("reply")
    if p.replies:
        first = p.replies[0]
        took = (f"，用时 {clock.working_days} 个工作日" if clock and clock.working_days is not None
                and not clock.running else "")
        late = f"，超过答复时限 {case.overdue_days} 个工作日" if case.overdue_days else ""
        return f"{plain(case.unit) or '相关部门'}于{day(first.time)}作出答复{took}{late}。"
    if case.overdue_days:
        return f"这条留言已超过答复时限 {case.overdue_days} 个工作日，仍未获答复。"
    return "目前仍在答复期限内，尚未答复。"


def _newsroom_sentence(case: Case) -> str:
    parts = []
    if any(f.kind == "claimed" for f in case.followups):
        parts.append("本报记者已介入跟进。")
    if case.articles:
        parts.append(f"本栏目曾于{day(case.articles[-1].date)}报道。")
    if case.status in ("已解决", "未解决"):
        parts.append(f"目前状态：{case.status}（{plain(case.evidence)}）。")
    return "".join(parts)


def lead(cases: list[Case], topic: str = "") -> str:
    if len(cases) == 1:
        case = cases[0]
        p = case.petition
        where = f"{p.board}板块" if p.board else "问政平台"
        return (f"{day(p.posted)}，网友在{where}留言，反映“{plain(p.title)}”。"
                + _reply_sentence(case) + _newsroom_sentence(case))
    dates = sorted(c.petition.posted for c in cases if c.petition.posted)
    span = f"{day(dates[0])}至{day(dates[-1])}，" if dates else ""
    replied = sum(1 for c in cases if c.petition.replies)
    overdue = sum(1 for c in cases if not c.petition.replies and c.overdue_days)
    subject = f"“{topic}”相关的问题" if topic else f"“{plain(cases[0].petition.title)}”等问题"
    return (f"{span}{len(cases)} 条网友留言先后反映{subject}。其中 {replied} 条已获答复，"
            f"{overdue} 条逾期未复。" + "".join(_newsroom_sentence(c) for c in cases))


def _heading(case: Case, number: int, many: bool) -> str:
    p = case.petition
    prefix = f"{number}. " if many else ""
    return f"### {prefix}{plain(p.title)}\n\n（{case.key}，{day(p.posted)}，{p.board or '未标注板块'}，{p.type or '未标注类型'}）"


def _words_section(cases: list[Case]) -> list[str]:
    out = ["## 网友反映", ""]
    for number, case in enumerate(cases, start=1):
        out += [_heading(case, number, len(cases) > 1), "", quote(case.petition.body), ""]
    return out


def _reply_section(cases: list[Case]) -> list[str]:
    out = ["## 部门答复", ""]
    for number, case in enumerate(cases, start=1):
        if len(cases) > 1:
            out += [f"### {number}. {plain(case.petition.title)}", ""]
        if not case.petition.replies:
            out += [f"（尚无答复。{_reply_sentence(case)}）", ""]
        for reply in case.petition.replies:
            kind = "" if reply.final else "（阶段性答复）"
            out += [quote(reply.text), ">", f"> —— {reply.unit or case.unit or '答复单位未注明'}，{day(reply.time)}{kind}", ""]
    return out


def _timeline_section(cases: list[Case]) -> list[str]:
    out = ["## 进展时间线", ""]
    events = []
    for number, case in enumerate(cases, start=1):
        tag = f"[{number}] " if len(cases) > 1 else ""
        for event in case.timeline:
            who = f"（{plain(event.who)}）" if event.who and event.kind != "posted" else ""
            detail = ""
            if event.kind not in ("posted", "reply", "interim_reply") and event.text:
                detail = f"：{plain(event.text)}"
            events.append((event.time, f"- {stamp(event.time)}　{tag}{event.label}{who}{detail}"))
    out += [text for _, text in sorted(events, key=lambda e: e[0])] or ["- （暂无）"]
    return out + [""]


def _notes_section(cases: list[Case]) -> list[str]:
    """The newsroom's follow-ups: kind and date; the note only when the record made it public."""
    out = ["## 记者手记", "", NOTES_PLACEHOLDER, ""]
    for case in cases:
        for item in case.followups:
            label = FOLLOWUP_KINDS.get(item.kind, item.kind)
            note = (plain(item.public_note) or "（内部备注，见编辑部记录）") if item.note else "—"
            out.append(f"- {stamp(item.date)} {label}：{note}")
    return out + [""]


REVIEW_LINE = "**【待审】本稿涉及未经审核、不能公开的案件：{cases}。审核通过（wenzheng clear）前不得发布。**"


def review_note(cases: list[Case]) -> str:
    """Why the draft may not be published yet ('' when every case is public)."""
    return "；".join(f"{c.key}（{c.gate_reason}）" for c in cases if not c.public)


def render(cases: list[Case], slug: str, date: datetime, topic: str = "") -> str:
    """The Markdown of one draft."""
    first = cases[0].petition
    title = plain(first.title) if len(cases) == 1 else (topic or plain(first.title)) + f"等 {len(cases)} 件留言"
    summary = lead(cases, topic)
    front = [
        f"Title: 【零距离问政】{title}",
        f"Date: {stamp(date)}",
        "Status: draft",
        # Pelican writes drafts by category; the site has no category pages, so one fixed name.
        f"Category: {COLUMN}",
        f"Cases: {', '.join(c.key for c in cases)}",
        f"Board: {_joined(c.petition.board for c in cases)}",
        f"Department: {_joined(c.department for c in cases)}",
        f"Type: {_joined(c.petition.type for c in cases)}",
        f"Field: {_joined(c.petition.field for c in cases)}",
        f"Slug: {slug}",
        f"Summary: {summary.splitlines()[0]}",
    ]
    review = review_note(cases)
    if review:
        front.append(f"Review: 待审：{review}")
    body = ([""] + ([REVIEW_LINE.format(cases=plain(review)), ""] if review else []) + ["## 导语", "", summary, ""] + _words_section(cases) + _reply_section(cases)
            + _timeline_section(cases) + _notes_section(cases))
    return "\n".join(front + body).rstrip() + "\n"


def facts(cases: list[Case]) -> list[str]:
    """What the draft was written from, one line per fact: compared on the next run."""
    found = []
    for case in cases:
        tag = f"[{case.key}]"
        found.append(f"{tag} 状态：{case.status}")
        for reply in case.petition.replies:
            kind = "部门答复" if reply.final else "阶段性答复"
            found.append(f"{tag} {stamp(reply.time) if reply.time else '时间不详'} {kind}"
                         f"（{reply.unit or case.unit or '单位未注明'}）：{plain(reply.text)[:60]}")
        for item in case.followups:
            found.append(f"{tag} {stamp(item.date)} {FOLLOWUP_KINDS.get(item.kind, item.kind)}"
                         f"（{item.who}）：{plain(item.note)}")
        for article in case.articles:
            found.append(f"{tag} 已见报：《{article.title}》 {article.url}")
    return found


# -- writing ----------------------------------------------------------------------------
def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_sidecar(settings: dict, slug: str) -> dict | None:
    path = sidecar_path(settings, slug)
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def write_draft(settings: dict, cases: list[Case], now: datetime, topic: str = "") -> Outcome:
    """Create or refresh the draft of these cases; never overwrite an editor's changes."""
    keys = [c.key for c in cases]
    slug = slug_for(keys)
    path = drafts_dir(settings) / f"{slug}.md"
    sidecar = read_sidecar(settings, slug)
    current = facts(cases)
    if path.exists() and (sidecar is None or digest(path.read_text(encoding="utf-8")) != sidecar["sha256"]):
        # Changed since generated, or not generated by us at all: the editor's file.
        known = set(sidecar.get("facts", [])) if sidecar else set()
        return Outcome(slug, path, "kept", keys, [f for f in current if f not in known])
    # An untouched draft keeps its first date, so a rerun without new facts changes nothing.
    date = datetime.fromisoformat(sidecar["date"]) if sidecar else now.replace(second=0, microsecond=0)
    text = render(cases, slug, date, topic)
    old = path.read_text(encoding="utf-8") if path.exists() else None
    if old == text:
        action = "unchanged"
    elif old is not None:
        action = "refreshed"
    else:
        action = "restored" if sidecar else "new"
    if old != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    record = {"slug": slug, "cases": keys, "topic": topic, "date": date.isoformat(),
              "sha256": digest(text), "facts": current}
    side = sidecar_path(settings, slug)
    side.parent.mkdir(parents=True, exist_ok=True)
    side.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return Outcome(slug, path, action, keys)


# -- choosing -----------------------------------------------------------------------------
def auto_candidate(case: Case) -> bool:
    """Cases --auto may pick: public, not a 举报 (named explicitly only), not yet in the column."""
    return case.public and case.petition.type != "举报" and not case.articles


def auto_groups(budget, count: int) -> list[tuple[list[Case], str]]:
    """The top ``count`` drafts from the budget: newly resolved, hot topics and trending, in turn."""
    from .budget import TOPIC_CASES

    size = len(budget.sections.get("trending", [])) or count
    topics = [([c for c in members if auto_candidate(c)][:TOPIC_CASES], label)
              for label, members in budget.topics[:size]]
    queues = [
        [([line.case], "") for line in budget.sections.get("resolved", []) if auto_candidate(line.case)],
        [(members, label) for members, label in topics if members],
        [([line.case], "") for line in budget.sections.get("trending", []) if auto_candidate(line.case)],
    ]
    chosen: list[tuple[list[Case], str]] = []
    used: set[str] = set()
    while len(chosen) < count and any(queues):
        for queue in queues:
            while queue:
                members, label = queue.pop(0)
                members = [c for c in members if c.key not in used]
                if members:
                    chosen.append((members, label if len(members) > 1 else ""))
                    used.update(c.key for c in members)
                    break
            if len(chosen) >= count:
                break
    return chosen
