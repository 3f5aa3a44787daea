"""Publication gates: which cases may appear on the public site, feeds, search and exports.

One decision per case, made once by the case view (``Case.public``,
``Case.gate_reason``); every public output reads that flag, and the story budget
shows gated cases with the reason, so nothing is hidden from the newsroom.
"""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

from ..records import NewsroomRecords, Petition
from ..urls import case_url
from .settings import OPTIONS

log = logging.getLogger(__name__)


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


def withdraw_gated(build) -> list[str]:
    """OUTPUTS entry: delete what an earlier build wrote for a case that is no longer public.

    A production build starts from an empty folder (DELETE_OUTPUT_DIRECTORY), but a
    development build reuses it: without this, a case taken down or gated after it
    was published would keep its page and its feed there. Returns the removed folders.
    """
    output = Path(build.output_path).resolve()
    removed = []
    for case in build.all_cases:
        if case.public:
            continue
        folder = (output / case_url(case.key)).resolve()
        if folder.is_dir() and folder.is_relative_to(output) and folder != output:
            shutil.rmtree(folder)
            removed.append(folder.relative_to(output).as_posix())
    if removed:
        log.info("已从输出目录移除 %d 个不再公开的案件：%s", len(removed), "、".join(removed[:20]))
    return removed
