"""The review gate of column articles: no published article may carry a case that is not public.

An article's text quotes its cases: one naming an uncleared 举报, a held
accusation (待审) or a taken-down case would put that text, and the accused's
name, on the column page and its feed. Connected to Pelican's
``article_generator_pretaxonomy`` signal, so it acts before categories, archives
and feeds are made.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..config import CoreSettings
from ..store import Store
from ..trust.gates import is_production, publication_gate
from ..trust.masking import KIND_LABELS
from ..trust.scan import scan_bytes
from ..trust.settings import TrustSettings
from .articles import case_names, metadata_line
from .caseindex import CaseIndex, RecordError
from .drafts import PLACEHOLDERS
from .records import load

logger = logging.getLogger(__name__)
class GatedArticleError(RecordError):
    """A published article names a case that may not be public (举报, 待审, taken down)."""

    def __init__(self, path: Path | str, line: int | None, field: str, problem: str):
        super().__init__(path, line, field, problem)
        where = f"第 {line} 行 · " if line else ""
        self.args = (f"文章 {path} · {where}字段 {field}：{problem}",)

    def __str__(self) -> str:
        return self.args[0]


def case_gates(settings: dict, keys: Iterable[str]) -> dict[str, str]:
    """case key -> why it is not public, for the given keys (public cases are left out)."""
    keys = set(keys)
    records = load(settings)
    gated = {}
    with Store.open(settings["WENZHENG_STORE"], readonly=True) as store:
        for key in sorted(keys):
            petition = store.petition(key)
            if petition is None:
                continue  # an unknown case is reported by attach_cases, naming the Cases: line
            public, reason = publication_gate(petition, records, settings)
            if not public:
                gated[key] = reason
    return gated


#: The generator's lists whose articles are written to the public site (hidden ones too: unlisted,
#: but still at their URL).
PUBLISHED_LISTS = ("articles", "translations", "hidden_articles", "hidden_translations")


def hold_gated_articles(generator) -> None:
    """Signal ``article_generator_pretaxonomy``: no published article may carry a gated case.

    An article's text quotes its cases: one naming an uncleared 举报 or a held
    accusation would put the accused's name on the column page and its feed.
    The production build (``WENZHENG_PRODUCTION``, ``make publish``) stops,
    naming the article and the case; a development build turns the article
    into a draft (newsroom-only, noindex) with the reason shown on it.
    """
    settings = generator.settings
    published = [article for name in PUBLISHED_LISTS for article in getattr(generator, name, [])]
    if not any(case_names(article) for article in published):
        return  # most builds: no published article names a case, no store to open
    if not CoreSettings.of(settings).store_path.exists():
        return  # nothing pulled yet: the case generator reports that itself
    index = CaseIndex.from_settings(settings)
    named = {id(article): [key for key in map(index.resolve, case_names(article)) if key] for article in published}
    gated = case_gates(settings, {key for keys in named.values() for key in keys})
    held = []
    for article in published:
        reasons = [(key, gated[key]) for key in named[id(article)] if key in gated]
        if reasons:
            _hold(article, reasons, is_production(settings))
            held.append(article)
    if held:
        for name in PUBLISHED_LISTS:
            setattr(generator, name, [a for a in getattr(generator, name, []) if a not in held])
        generator.drafts = list(generator.drafts) + held


def _hold(article, reasons: list[tuple[str, str]], production: bool) -> None:
    """Stop the production build, or make the article a marked draft in a development build."""
    path = getattr(article, "source_path", "?")
    cases = "；".join(f"{key}（{reason}）" for key, reason in reasons)
    if production:
        raise GatedArticleError(path, metadata_line(path, reasons[0][0]), "Cases",
                                f"已发布的文章《{article.title}》涉及不能公开的案件 {cases}。"
                                "请先审核（wenzheng clear 案件编号）或从 Cases: 中删去，或把文章改回 Status: draft")
    logger.warning("文章《%s》（%s）涉及不能公开的案件 %s：本次按草稿处理，不公开", article.title, path, cases)
    article.status = "draft"
    article.wenzheng_held = reasons


# -- wenzheng check: the column's articles before ``make publish`` ---------------------------
@dataclass(frozen=True)
class Problem:
    """One reason an article may not be published, with the line an editor should look at."""

    path: str
    title: str
    line: int | None
    problem: str

    def __str__(self) -> str:
        where = f" · 第 {self.line} 行" if self.line else ""
        return f"文章《{self.title}》（{self.path}{where}）：{self.problem}"


def check_articles(settings: dict, articles: Iterable) -> tuple[list, list[Problem]]:
    """(published articles, their problems): a placeholder left in, a case that may not be
    public (举报, 待审, taken down; or its record unreadable), unmasked personal data."""
    published = [a for a in articles if getattr(a, "status", "published") not in ("draft",)]
    problems: list[Problem] = []
    trust = TrustSettings.of(settings)
    kinds, numbers = trust.scan_kinds, trust.public_digits
    named: dict[int, list[str]] = {}
    index = CaseIndex.from_settings(settings) if CoreSettings.of(settings).store_path.exists() else None
    for article in published:
        path = getattr(article, "source_path", "?")
        title = str(getattr(article, "title", path))
        data = Path(path).read_bytes()
        lines = data.decode("utf-8", errors="replace").splitlines()
        for number, text in enumerate(lines, start=1):
            left = next((p for p in PLACEHOLDERS if p in text), None)
            if left:
                problems.append(Problem(path, title, number, f"仍有占位文字“{left}”，请补写或删去"))
        for leak in scan_bytes(data, path, kinds, numbers):
            problems.append(Problem(path, title, leak.line, f"未打码的{KIND_LABELS[leak.kind]} {leak.masked}"))
        if index is not None:
            named[id(article)] = [key for key in map(index.resolve, case_names(article)) if key]
    try:
        gated = case_gates(settings, {key for keys in named.values() for key in keys}) if named else {}
    except RecordError as error:
        problems.append(Problem(error.path, "（编辑部记录）", error.line, f"记录有误，无法判断案件能否公开：{error}"))
        gated = {}
    for article in published:
        for key in named.get(id(article), []):
            if key in gated:
                path = getattr(article, "source_path", "?")
                problems.append(Problem(path, str(article.title), metadata_line(path, key),
                                        f"涉及不能公开的案件 {key}（{gated[key]}）：请先审核（wenzheng clear {key}）"
                                        "或从 Cases: 中删去"))
    return published, problems
