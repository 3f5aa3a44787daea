"""Settings of the department reports (通报)."""
from __future__ import annotations

from dataclasses import dataclass

from ..caseview.settings import limits_check
from ..config import LayerSettings, Option

#: 办结 limits in working days, keyed like the reply limits (type, '*', 'board/type', 'board/*').
#: The platform's published rule: a complex case is settled within 15 working days at most.
DEFAULT_CLOSE_LIMITS = {"*": 15}

OPTIONS: dict[str, Option] = {
    "WENZHENG_CLOSE_LIMITS": Option(
        dict, {}, "办结 limits in working days, merged over the defaults "
        f"{DEFAULT_CLOSE_LIMITS}; keys as WENZHENG_REPLY_LIMITS: type, '*', 'board/type', 'board/*'",
        limits_check, merge=DEFAULT_CLOSE_LIMITS,
    ),
    "WENZHENG_REPORTS_DIR": Option(str, "reports", "folder of report records (one file per period), relative to PATH"),
}


@dataclass(frozen=True)
class ReportSettings(LayerSettings):
    OPTIONS = OPTIONS

    close_limits: dict
    reports_dir: str
