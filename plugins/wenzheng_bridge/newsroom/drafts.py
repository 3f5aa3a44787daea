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
public article: its byline is the reporter holding the claim (or a
placeholder), and it carries no internal note (only notes the record marked
公开) and no record file or line. The status sentence is made from the case's
one status, so a draft never says 尚未答复 and 已解决 together. 记者手记 is a
placeholder left for the reporter; ``wenzheng check`` refuses a published
article still carrying a placeholder. A draft of a case that may not be public
(举报, 待审) says so in its front matter (``Review:``) and in a line at the top
of its body.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..caseview.model import Case
from ..dates import cn_date, stamp
from ..records import FOLLOWUP_KINDS, SETTLED_STATUSES, SHANGHAI, Status
from ..trust.sanitize import output_text
from .records import content_dir, holder, records_dir
from .settings import NewsroomSettings

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
BYLINE_PLACEHOLDER = "（记者署名）"
#: Text a published article must not carry: ``wenzheng check`` refuses it.
PLACEHOLDERS = (NOTES_PLACEHOLDER, BYLINE_PLACEHOLDER, "（记者在此补充")


@dataclass
class Outcome:
    slug: str
    path: Path
    action: str
    keys: list[str]
    new_facts: list[str] = field(default_factory=list)


# -- where ----------------------------------------------------------------------------
def drafts_dir(settings: dict) -> Path:
    return content_dir(settings) / NewsroomSettings.of(settings).drafts_dir


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
    pass through as HTML once the editor publishes. "&" first: a resident's typed "&lt;" must
    read as typed, not as an entity Markdown turns into "<"."""
    return output_text(text or "").replace("&", "&amp;").replace("<", "&lt;").strip()


def quote(text: str) -> str:
    paragraphs = [p.strip() for p in plain(text).splitlines() if p.strip()]
    return "\n>\n".join(f"> {p}" for p in paragraphs) or "> （原文为空）"


def _joined(values) -> str:
    seen = [v for v in dict.fromkeys(values) if v]
    return "、".join(seen)


def _reply_fact(case: Case) -> str:
    """What the platform shows of the department's answer, one sentence (no status words)."""
    p = case.petition
    clock = case.clocks.get("reply")
    if p.replies:
        first = p.replies[0]
        took = (f"，用时 {clock.working_days} 个工作日" if clock and clock.working_days is not None
                and not clock.running else "")
        late = f"，超过答复时限 {case.overdue_days} 个工作日" if case.overdue_days else ""
        return f"{plain(case.unit) or '相关部门'}于{cn_date(first.time)}作出答复{took}{late}。"
    if case.replied:  # the platform's state says so, without the reply itself
        return f"平台状态为“{plain(case.platform_state)}”，来源数据未给出答复内容。"
    acted = [f for f in case.followups if f.kind == "acted"]
    if acted:
        platform = "平台上尚无书面答复" if case.reply_known else "来源数据不含答复信息"
        return f"{platform}，本报记录显示部门已于{cn_date(acted[-1].date)}处理。"
    return ""


def status_sentence(case: Case) -> str:
    """The case's state in one sentence that agrees with its status, its reply and its record."""
    status = case.status
    closing = [f for f in case.followups if f.kind in ("resolved", "unresolved")]
    when = cn_date(closing[-1].date) if closing else ""
    if status == Status.RESOLVED:
        return f"{when + '，' if when else ''}问题已解决。" if when else f"问题已解决（{plain(case.evidence)}）。"
    if status == Status.UNRESOLVED:
        return f"截至{when}，问题仍未解决。" if when else "问题仍未解决。"
    if status == Status.UNKNOWN:
        return "来源数据不含答复信息，无法判断部门是否已答复。"
    if status == Status.OVERDUE:
        return f"这条留言已超过答复时限 {case.overdue_days} 个工作日，仍未获答复。"
    if status == Status.WAITING:
        limit = f"（期限至{cn_date(case.deadline)}）" if case.deadline else ""
        return f"目前仍在答复期限内{limit}，尚未答复。"
    if status == Status.REPORTED and case.articles:
        return f"本栏目曾于{cn_date(case.articles[-1].date)}报道。"
    if status in (Status.ANSWERED, Status.FOLLOWING, Status.REPORTED):
        return ""  # the reply sentence and the newsroom sentence say it
    return f"目前状态：{status}。"


def _newsroom_sentence(case: Case) -> str:
    parts = []
    if any(f.kind == "claimed" for f in case.followups) and case.status not in SETTLED_STATUSES:
        parts.append("本报记者已介入跟进。")
    if case.articles and case.status != Status.REPORTED:
        parts.append(f"本栏目曾于{cn_date(case.articles[-1].date)}报道。")
    return "".join(parts)


def case_summary(case: Case) -> str:
    """The reply, the status and the newsroom's part, without contradicting each other."""
    return _reply_fact(case) + status_sentence(case) + _newsroom_sentence(case)


def count_sentence(cases: list[Case]) -> str:
    """"其中 3 件已获答复、2 件逾期未复" from the statuses, leaving out what is zero."""
    from collections import Counter

    replied = sum(1 for c in cases if c.replied or c.petition.replies)
    statuses = Counter(c.status for c in cases)
    parts = [f"{replied} 件已获答复"] if replied else []
    parts += [f"{n} 件{status}" for status, n in statuses.most_common() if status != Status.ANSWERED]
    return f"其中 {'、'.join(parts)}。" if parts else ""


def engagement(case: Case) -> int:
    p = case.petition
    return (p.likes or 0) + (p.dislikes or 0) + (p.reply_count or 0)


def lead(cases: list[Case], topic: str = "") -> str:
    if len(cases) == 1:
        case = cases[0]
        p = case.petition
        where = f"{p.board}板块" if p.board else "问政平台"
        return f"{cn_date(p.posted)}，网友在{where}留言，反映“{plain(p.title)}”。" + case_summary(case)
    dates = sorted(c.petition.posted for c in cases if c.petition.posted)
    span = f"{cn_date(dates[0])}至{cn_date(dates[-1])}，" if dates else ""
    subject = f"“{topic}”相关的问题" if topic else f"“{plain(cases[0].petition.title)}”等问题"
    liked = max(cases, key=engagement)
    most = (f"点赞最多的一条是“{plain(liked.petition.title)}”（点赞 {liked.petition.likes:,}）。"
            if liked.petition.likes else "")
    return f"{span}网友先后 {len(cases)} 次留言反映{subject}。{count_sentence(cases)}{most}"


def _heading(case: Case, number: int, many: bool) -> str:
    p = case.petition
    prefix = f"{number}. " if many else ""
    likes = f"，点赞 {p.likes:,}" if p.likes else ""
    return (f"### {prefix}{plain(p.title)}\n\n（{case.key}，{cn_date(p.posted)}，{p.board or '未标注板块'}，"
            f"{p.type or '未标注类型'}{likes}）")


#: A topic draft quotes this many posts in full (the most engaged); it lists every one.
QUOTED = 3


def _words_section(cases: list[Case]) -> list[str]:
    out = ["## 网友反映", ""]
    quoted = cases  # already most engaged first (render)
    if len(cases) > QUOTED:
        quoted = quoted[:QUOTED]
        out += [f"以下摘录点赞、跟帖最多的 {QUOTED} 条，全部 {len(cases)} 条见“涉及的全部留言”。", ""]
    for number, case in enumerate(quoted, start=1):
        out += [_heading(case, number, len(cases) > 1), "", quote(case.petition.body), ""]
    return out


def _all_cases_section(cases: list[Case]) -> list[str]:
    """Every case of a topic draft, one line each: date, title, status, likes."""
    if len(cases) <= QUOTED:
        return []
    out = ["## 涉及的全部留言", ""]
    for case in sorted(cases, key=lambda c: c.petition.posted or datetime.min.replace(tzinfo=SHANGHAI)):
        p = case.petition
        likes = f"，点赞 {p.likes:,}" if p.likes else ""
        out.append(f"- {cn_date(p.posted)}　{plain(p.title)}（{case.key}，{case.status}{likes}）")
    return out + [""]


def _reply_section(cases: list[Case]) -> list[str]:
    out = ["## 部门答复", ""]
    for number, case in enumerate(cases, start=1):
        if len(cases) > 1:
            out += [f"### {number}. {plain(case.petition.title)}", ""]
        if not case.petition.replies:
            missing = "平台上尚无答复。" if case.reply_known else "来源数据不含答复信息。"
            out += [f"（{_reply_fact(case) or missing}）", ""]
        for reply in case.petition.replies:
            kind = "" if reply.final else "（阶段性答复）"
            out += [quote(reply.text), ">", f"> —— {reply.unit or case.unit or '答复单位未注明'}，{cn_date(reply.time)}{kind}", ""]
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
            events.append((event.order, f"- {stamp(event.time)}　{tag}{event.label}{who}{detail}"))
    out += [text for _, text in sorted(events, key=lambda e: e[0])] or ["- （暂无）"]
    return out + [""]


def _earlier_reports(cases: list[Case]) -> list[str]:
    """The paper's own earlier articles on these cases, linked."""
    seen: dict[str, object] = {}
    for case in cases:
        for article in case.articles:
            seen.setdefault(article.url or article.title, article)
    if not seen:
        return []
    out = ["## 本报此前报道", ""]
    for article in sorted(seen.values(), key=lambda a: a.date or datetime.min.replace(tzinfo=SHANGHAI)):
        out.append(f"- {cn_date(article.date)}　[{plain(article.title)}]({article.url})")
    return out + [""]


def _notes_section() -> list[str]:
    """Left for the reporter: what they saw and asked is theirs to write, not the timeline again."""
    return ["## 记者手记", "", NOTES_PLACEHOLDER, ""]


def byline(cases: list[Case]) -> str:
    """The reporters holding the cases (their claims), or the placeholder ``check`` refuses."""
    names = _joined(claim.who for claim in (holder(c.followups) for c in cases) if claim)
    return names or BYLINE_PLACEHOLDER


REVIEW_LINE = "**【待审】本稿涉及未经审核、不能公开的案件：{cases}。审核通过（wenzheng clear）前不得发布。**"


def review_note(cases: list[Case]) -> str:
    """Why the draft may not be published yet ('' when every case is public)."""
    return "；".join(f"{c.key}（{c.gate_reason}）" for c in cases if not c.public)


def render(cases: list[Case], slug: str, date: datetime, topic: str = "") -> str:
    """The Markdown of one draft."""
    first = cases[0].petition
    title = plain(first.title) if len(cases) == 1 else (topic or plain(first.title)) + f"等 {len(cases)} 件留言"
    summary = lead(cases, topic)
    author = byline(cases)
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
        f"Author: {author}",
        f"Summary: {summary.splitlines()[0]}",
    ]
    # One numbering for every section: the most engaged posts first.
    cases = sorted(cases, key=lambda c: (-engagement(c), c.petition.posted or datetime.min.replace(tzinfo=SHANGHAI)))
    review = review_note(cases)
    if review:
        front.append(f"Review: 待审：{review}")
    body = ([""] + ([REVIEW_LINE.format(cases=plain(review)), ""] if review else [])
            + [f"本报记者　{author}", "", "## 导语", "", summary, ""] + _words_section(cases) + _all_cases_section(cases)
            + _reply_section(cases) + _timeline_section(cases) + _earlier_reports(cases) + _notes_section())
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
    size = len(budget.sections.get("trending", [])) or count
    # A topic draft covers every case of the topic that may be drafted automatically.
    topics = [([c for c in members if auto_candidate(c)], label) for label, members in budget.topics[:size]]
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
