"""The round-up draft of a 问计于民 theme (``wenzheng draft --theme ID``): Markdown for the editor.

Its suggestions ranked as on the theme's page, each with the resident's words and the
department's answer; public cases only. A file already there is the editor's: never overwritten.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ..caseview.model import Case
from ..dates import stamp
from .drafts import COLUMN, NOTES_PLACEHOLDER, case_summary, drafts_dir, plain, quote
from .themes import ThemeRecord, rank_key


def theme_slug(theme: ThemeRecord) -> str:
    return f"wenzheng-theme-{theme.id}"


def ranked(theme: ThemeRecord, cases: list[Case]) -> list[Case]:
    chosen = [case for case in cases if case.public and theme.wants(case.petition)]
    return sorted(chosen, key=lambda case: rank_key(case.petition, case.replied))


def render_theme(theme: ThemeRecord, cases: list[Case], now: datetime) -> str:
    answered = sum(1 for case in cases if case.replied)
    front = [f"Title: 【问计于民】{plain(theme.title)}", f"Date: {stamp(now.replace(second=0, microsecond=0))}",
             "Status: draft", f"Category: {COLUMN}", f"Slug: {theme_slug(theme)}", f"Theme: {theme.id}"]
    if cases:
        front.append(f"Cases: {', '.join(case.key for case in cases)}")
    question = f"围绕“{plain(theme.question)}”，" if theme.question else ""
    lead = (f"{theme.window}，{question}网友在问政平台提出建议 {len(cases)} 条，"
            f"其中 {answered} 条已获部门答复。以下按网友关注度排列。")
    body = ["", "## 导语", "", lead, "", "## 网友建议", ""]
    for number, case in enumerate(cases, start=1):
        p = case.petition
        body += [f"### {number}. {plain(p.title)}", "",
                 f"（{case.key}，{p.board or '未标注板块'}，点赞 {p.likes or 0}，状态：{case.status}）", "",
                 quote(p.body or p.title), ""]
        summary = case_summary(case)
        body += [summary, ""] if summary else []
    if not cases:
        body += ["（征集期内暂无符合的建议。）", ""]
    body += ["## 记者手记", "", NOTES_PLACEHOLDER, ""]
    return "\n".join(front + body).rstrip() + "\n"


def write_theme_draft(settings: dict, theme: ThemeRecord, cases: list[Case], now: datetime) -> tuple[Path, bool]:
    """(path, written?): the round-up draft unless a file of that name is already there."""
    path = drafts_dir(settings) / f"{theme_slug(theme)}.md"
    if path.exists():
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_theme(theme, ranked(theme, cases), now), encoding="utf-8")
    return path, True
