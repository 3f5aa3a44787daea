"""The platform's own word: states Chinese 问政 boards show, mapped onto our statuses.

A platform that marks a case 已办理 has answered it, even when the capture
carries no reply text; a case it marks 已受理 is still waiting. Each source may
add to or override this vocabulary with its ``state_map`` option. The state is
kept as the platform wrote it and shown beside our status, as its evidence.
"""
from __future__ import annotations

from ..records import Status

#: Platform state -> our status. 待回复 means "not answered yet": the deadline then decides
#: between 待回复 and 逾期未复. 已回复 is "at least answered"; 已解决 and 未解决 close the case.
DEFAULT_PLATFORM_STATES = {
    **dict.fromkeys(("待受理", "已受理", "受理中", "处理中", "办理中", "已转办", "转办中", "已交办", "待回复", "未回复",
                     "待答复", "未答复"), Status.WAITING),
    **dict.fromkeys(("已回复", "已答复", "已办理", "已处理", "已反馈"), Status.ANSWERED),
    **dict.fromkeys(("办结", "已办结", "已解决", "已完成"), Status.RESOLVED),
    **dict.fromkeys(("不予受理", "不受理", "已驳回", "已退回"), Status.UNRESOLVED),
}


def platform_status(state: str, overrides: dict | None = None) -> Status | None:
    """Our status for a platform state, or None when the state is empty or unknown.

    An exact entry wins; otherwise the longest known state the text contains
    ("已办结（满意）" → 已办结), so decorated states still count.
    """
    state = (state or "").strip()
    if not state:
        return None
    vocabulary = {**DEFAULT_PLATFORM_STATES, **(overrides or {})}
    if state in vocabulary:
        return Status(vocabulary[state])
    # "未办结" contains "办结" but says the opposite: a negated state is no closure.
    contained = [k for k in vocabulary if k in state and f"未{k}" not in state and f"不{k}" not in state]
    return Status(vocabulary[max(contained, key=len)]) if contained else None
