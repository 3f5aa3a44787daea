"""Publication gates: which cases may appear on the public site, feeds, search and exports.

One decision per case, made once by the case view (``Case.public``,
``Case.gate_reason``); every public output reads that flag, and the story budget
shows gated cases with the reason, so nothing is hidden from the newsroom.
"""
from __future__ import annotations

from ..records import NewsroomRecords, Petition
from .settings import OPTIONS


def _setting(settings: dict, key: str):
    return settings.get(key, OPTIONS[key].default)


def publication_gate(petition: Petition, records: NewsroomRecords, settings: dict) -> tuple[bool, str]:
    """(public?, reason shown to the newsroom when not).

    A takedown always wins, even over a clearance: an editor who took a case
    down on request must clear it again by removing the takedown record.
    """
    if petition.key in records.takedowns:
        return False, f"已撤下：{records.takedowns[petition.key]}"
    if petition.key in records.clearances:
        return True, ""
    if _setting(settings, "WENZHENG_REVIEW_ALL"):
        return False, "待编辑审核后公开"
    if petition.type in _setting(settings, "WENZHENG_REVIEW_TYPES"):
        return False, f"{petition.type}类留言，未经编辑审核不公开"
    if petition.board in _setting(settings, "WENZHENG_REVIEW_BOARDS"):
        return False, f"{petition.board}的留言须经编辑审核后公开"
    return True, ""
