"""The newsroom-only story budget page and its CSV, written by a ``make html`` build."""
from __future__ import annotations

import posixpath

from ..caseview.view import build_now
from ..newsroom.budget import QUESTIONS, SECTIONS, case_link, csv_text, make_budget, store_growth
from ..newsroom.settings import NewsroomSettings
from ..urls import case_url
from .build import Build


def write_budget_page(build: Build) -> None:
    """Site output: the budget page and its CSV, unless WENZHENG_NEWSROOM_PAGES is off (production)."""
    settings = build.settings
    options = NewsroomSettings.of(settings)
    if not options.newsroom_pages:
        return
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


def _relative(page: str, target: str) -> str:
    """URL of ``target`` from the folder of ``page`` (both relative to the output root)."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")
