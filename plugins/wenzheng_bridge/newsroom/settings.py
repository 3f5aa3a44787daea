"""Settings of the newsroom job, with their documented defaults."""
from ..config import Option


def _positive(value) -> str | None:
    return None if value > 0 else "应为正整数"


OPTIONS: dict[str, Option] = {
    "WENZHENG_NEWSROOM_PAGES": Option(bool, True, "build the newsroom-only story budget page (off in publishconf.py)"),
    "WENZHENG_NEWSROOM_DIR": Option(str, "newsroom", "folder of newsroom records (claims, follow-ups, takedowns), relative to PATH"),
    "WENZHENG_DRAFTS_DIR": Option(str, "drafts", "folder the draft commands write Markdown drafts into, relative to PATH"),
    "WENZHENG_BUDGET_SAVE_AS": Option(str, "newsroom/budget/index.html", "where the story budget page is written in the output"),
    "WENZHENG_BUDGET_CSV_SAVE_AS": Option(str, "newsroom/budget/budget.csv", "the budget's CSV beside the page in the output"),
    "WENZHENG_BUDGET_SIZE": Option(int, 15, "lines per story budget section", _positive),
}
