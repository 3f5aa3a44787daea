"""Publication gates: which cases may appear on the public site, feeds, search and exports.

One decision per case, made once by the case view (``Case.public``,
``Case.gate_reason``); every public output reads that flag, and the story budget
shows gated cases with the reason, so nothing is hidden from the newsroom.
"""
from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Iterable, Mapping

from ..records import NewsroomRecords, Petition
from ..urls import case_url
from .accusation import accusation_hold
from .settings import TrustSettings

log = logging.getLogger(__name__)


def publication_gate(petition: Petition, records: NewsroomRecords,
                     settings: Mapping | TrustSettings) -> tuple[bool, str]:
    """(public?, reason shown to the newsroom when not).

    A takedown always wins, even over a clearance: an editor who took a case
    down on request undoes it with ``wenzheng restore`` (a "restored" line).
    """
    if petition.key in records.takedowns:
        return False, f"已撤下：{records.takedowns[petition.key]}"
    if petition.key in records.clearances:
        return True, ""
    options = TrustSettings.of(settings)
    if options.review_all:
        return False, "待编辑审核后公开"
    if petition.type in options.review_types:
        return False, f"{petition.type}类留言，未经编辑审核不公开"
    if petition.board in options.review_boards:
        return False, f"{petition.board}的留言须经编辑审核后公开"
    if options.hold_accusations:
        accusation = accusation_hold(petition)
        if accusation:
            return False, f"待审：疑似指控具名人员（{accusation.describe()}），类型为推断，须经编辑审核后公开"
    return True, ""


def is_production(settings: Mapping | TrustSettings) -> bool:
    return TrustSettings.of(settings).production


def withdraw_private(settings: Mapping, output_path: Path) -> list[str]:
    """In a production build, delete newsroom-only and draft folders from the output.

    The output folder is kept between builds (publishconf.py does not empty it), so
    a ``make html`` into the same folder would otherwise leave the story budget (with
    unreviewed 举报) and the drafts there, ready to be synced to the public server.
    """
    if not is_production(settings):
        return []
    output = Path(output_path).resolve()
    removed = []
    for name in TrustSettings.of(settings).private_paths:
        target = (output / name).resolve()
        if target != output and target.is_relative_to(output) and target.exists():
            shutil.rmtree(target) if target.is_dir() else target.unlink()
            removed.append(name)
    if removed:
        log.info("正式构建：已从输出目录删除编辑部内部文件夹 %s", "、".join(removed))
    return removed


def private_leftovers(output: Path, settings: dict) -> list[str]:
    """Newsroom-only or draft paths present in an output folder (empty when safe to publish)."""
    return [name for name in TrustSettings.of(settings).private_paths if (Path(output) / name).exists()]


def withdraw_gated(output_path: Path, withheld: Iterable[str]) -> list[str]:
    """Delete what an earlier build wrote for the cases ``withheld`` (keys of cases no longer public).

    A production build starts from an empty folder (DELETE_OUTPUT_DIRECTORY), but a
    development build reuses it: without this, a case taken down or gated after it
    was published would keep its page and its feed there. Returns the removed folders.
    """
    output = Path(output_path).resolve()
    removed = []
    for key in withheld:
        folder = (output / case_url(key)).resolve()
        if folder.is_dir() and folder.is_relative_to(output) and folder != output:
            shutil.rmtree(folder)
            removed.append(folder.relative_to(output).as_posix())
    if removed:
        log.info("已从输出目录移除 %d 个不再公开的案件：%s", len(removed), "、".join(removed[:20]))
    return removed
