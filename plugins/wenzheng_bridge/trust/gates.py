"""Publication gates: which cases may appear on the public site, feeds, search and exports."""
from __future__ import annotations

from ..records import NewsroomRecords, Petition


def publication_gate(petition: Petition, records: NewsroomRecords, settings: dict) -> tuple[bool, str]:
    """(public?, reason shown to the newsroom when not)."""
    if petition.key in records.takedowns:
        return False, f"已撤下：{records.takedowns[petition.key]}"
    if petition.type == "举报" and petition.key not in records.clearances:
        return False, "举报类留言，未经编辑审核不公开"
    return True, ""
