"""Settings of the newsroom job, with their documented defaults."""
from __future__ import annotations

from dataclasses import dataclass

from ..config import LayerSettings, Option, positive

OPTIONS: dict[str, Option] = {
    "WENZHENG_NEWSROOM_PAGES": Option(bool, True, "build the newsroom-only story budget page (off in publishconf.py)"),
    "WENZHENG_NEWSROOM_DIR": Option(str, "newsroom", "folder of newsroom records (claims, follow-ups, takedowns), relative to PATH"),
    "WENZHENG_DRAFTS_DIR": Option(str, "drafts", "folder the draft commands write Markdown drafts into, relative to PATH"),
    "WENZHENG_BUDGET_SAVE_AS": Option(str, "newsroom/budget/index.html", "where the story budget page is written in the output"),
    "WENZHENG_BUDGET_CSV_SAVE_AS": Option(str, "newsroom/budget/budget.csv", "the budget's CSV beside the page in the output"),
    "WENZHENG_BUDGET_SIZE": Option(int, 15, "lines per story budget section", positive),
}


@dataclass(frozen=True)
class NewsroomSettings(LayerSettings):
    """The newsroom's settings, read by attribute."""

    OPTIONS = OPTIONS

    newsroom_pages: bool
    newsroom_dir: str
    drafts_dir: str
    budget_save_as: str
    budget_csv_save_as: str
    budget_size: int
