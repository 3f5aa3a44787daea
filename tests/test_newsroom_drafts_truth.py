"""Drafts say only what the source supports: no "not answered yet" for a sheet without reply columns."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from wenzheng_bridge.caseview.view import CaseBuilder
from wenzheng_bridge.newsroom import drafts as nd
from wenzheng_bridge.records import SHANGHAI
from wenzheng_bridge.store import Store

NOW = datetime(2020, 2, 1, 9, 0, tzinfo=SHANGHAI)


def test_draft_of_a_case_whose_sheet_has_no_replies(make_settings, sample_store):
    settings = make_settings(PATH="content", WENZHENG_STORE=str(sample_store))
    with Store.open(sample_store, readonly=True) as store:
        raw = store.petition("tipdm-31807")  # fj2: no reply columns
    case = CaseBuilder(settings, now=NOW).build(raw)
    text = nd.write_draft(settings, [case], NOW).path.read_text(encoding="utf-8")
    assert "来源数据不含答复信息，无法判断部门是否已答复。" in text
    assert "尚无答复" not in text and "逾期" not in text and "答复期限内" not in text
    # The platform's 已办理 without the reply text: answered, and the draft says so.
    handled = CaseBuilder(settings, now=NOW).build(replace(raw, state="已办理"))
    text = nd.write_draft(settings, [handled], NOW).path.read_text(encoding="utf-8")
    assert "平台状态为“已办理”，来源数据未给出答复内容。" in text and "尚无答复" not in text
