"""Leader mailboxes and spokespersons: which boards are 书记信箱 / 市长信箱, who speaks for each board.

``Leaders`` is built with the site's data (``SiteData.leaders``): the home page's block and the
board pages read it; ``write_mailboxes`` (in ``site.outputs.OUTPUTS``) writes ``/mailboxes/`` and
a page per mailbox with its scorecard (the boards' own figures, public cases only), its
spokesperson and its newest cases. A configured mailbox without public cases still gets its page,
which says so, and the build logs a warning (a misspelt board name shows at once).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from ..urls import group_feed_path
from .build import Build
from .leader_settings import LeaderSettings

logger = logging.getLogger(__name__)
FOLDER = "mailboxes"


@dataclass
class Mailbox:
    name: str  # the board's name
    url: str  # its mailbox page
    board_url: str  # the board's index of cases
    card: object  # site.figures scorecard, None without public cases
    spokesperson: str
    rows: list  # public cases of the board, store order
    feed: str = ""  # the board's Atom feed (written for a board with public cases)


class Leaders:
    """Made with the site's data (case pages' menus read ``names``), ``load``-ed with its figures."""

    def __init__(self, settings: dict):
        options = LeaderSettings.of(settings)
        self.names: tuple[str, ...] = options.leader_mailboxes
        # A forum or feed source that names its spokesperson accounts says who speaks for its board;
        # WENZHENG_SPOKESPERSONS wins where both name one (a newsroom may know the official title).
        self.spokespersons: dict = {**source_spokespersons(settings.get("WENZHENG_SOURCES") or []),
                                    **options.spokespersons}
        self.mailboxes: list[Mailbox] = []

    def load(self, site) -> None:
        groups = site.groups["board"]
        self.mailboxes = [
            Mailbox(name, f"{FOLDER}/{site.slug(name)}/", site.url("board", name),
                    site.figures.group("board", name) if name in groups else None,
                    self.spokesperson(name), groups.get(name, []),
                    group_feed_path("board", site.slug(name)) if name in groups else "")
            for name in self.names
        ]

    def spokesperson(self, board: str) -> str:
        """The board's 网络发言人 as the settings or its sources name it ("" when none does)."""
        return self.spokespersons.get(board, "")


def source_spokespersons(sources: list[dict]) -> dict[str, str]:
    """Board -> the spokesperson accounts its sources' configs name (``spokespersons``: a list of
    accounts, or account -> replying unit), joined with 、; sources without a fixed board name none."""
    found: dict[str, list[str]] = {}
    for source in sources:
        board, accounts = source.get("board"), source.get("spokespersons")
        if isinstance(board, str) and board and accounts:
            names = found.setdefault(board, [])
            names += [account for account in accounts if account not in names]
    return {board: "、".join(names) for board, names in found.items()}


def write_mailboxes(build: Build) -> None:
    site = build.context.get("wenzheng")
    build.own(FOLDER)
    leaders = getattr(site, "leaders", None)
    if leaders is None or not leaders.mailboxes:
        return
    size = site.options.home_items
    for mailbox in leaders.mailboxes:
        if mailbox.card is None:
            logger.warning("领导信箱“%s”没有公开的留言（请核对 WENZHENG_LEADER_MAILBOXES 中的板块名称）", mailbox.name)
        build.render("mailbox", mailbox.url + "index.html", mailbox=mailbox, newest=site.latest(mailbox.rows, size))
    build.render("mailboxes", f"{FOLDER}/index.html", mailboxes=leaders.mailboxes)
