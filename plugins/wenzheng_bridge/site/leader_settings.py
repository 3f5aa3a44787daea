"""Settings of the leader mailboxes (书记信箱, 市长信箱) and the boards' spokespersons (网络发言人)."""
from __future__ import annotations

from dataclasses import dataclass

from ..config import LayerSettings, Option, names_check


def _boards_check(value: list) -> str | None:
    for name in value:
        if not isinstance(name, str) or not name.strip():
            return f"的每一项都应为板块名称（非空文字），实际有 {name!r}"
    repeated = sorted({name for name in value if value.count(name) > 1})
    return f"中的板块重复：{repeated}" if repeated else None


OPTIONS: dict[str, Option] = {
    "WENZHENG_LEADER_MAILBOXES": Option(
        list, [], "boards that are leader mailboxes (书记信箱, 市长信箱): a home-page block and a page "
        "each at /mailboxes/<slug>/ with their figures", _boards_check,
    ),
    "WENZHENG_SPOKESPERSONS": Option(
        dict, {}, "board -> its 网络发言人 (the replying unit or account), shown on the board's page "
        "and its mailbox page", names_check,
    ),
}


@dataclass(frozen=True)
class LeaderSettings(LayerSettings):
    OPTIONS = OPTIONS

    leader_mailboxes: tuple
    spokespersons: dict
