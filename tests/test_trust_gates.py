"""Publication gates: 举报, configured types and boards, editor clearances, takedowns."""
from __future__ import annotations

import pytest

from wenzheng_bridge.config import ConfigError
from wenzheng_bridge.records import NewsroomRecords, Petition
from wenzheng_bridge.trust import publication_gate


def petition(type_="诉求", board="A3区", source_id="1") -> Petition:
    return Petition(source="tipdm", source_id=source_id, title="路灯不亮", type=type_, board=board)


def test_defaults_gate_reports_only(make_settings):
    settings = make_settings()
    records = NewsroomRecords()
    assert publication_gate(petition("诉求"), records, settings) == (True, "")
    assert publication_gate(petition("建议"), records, settings) == (True, "")
    public, reason = publication_gate(petition("举报"), records, settings)
    assert not public and "举报" in reason and "审核" in reason


def test_clearance_opens_a_report():
    records = NewsroomRecords(clearances={"tipdm-1"})
    assert publication_gate(petition("举报"), records, {}) == (True, "")


def test_takedown_wins_over_clearance_and_names_the_reason():
    records = NewsroomRecords(clearances={"tipdm-1"}, takedowns={"tipdm-1": "当事人要求撤下"})
    assert publication_gate(petition("诉求"), records, {}) == (False, "已撤下：当事人要求撤下")


def test_review_per_type_and_per_board(make_settings):
    settings = make_settings(WENZHENG_REVIEW_TYPES=["举报", "咨询"], WENZHENG_REVIEW_BOARDS=["书记信箱"])
    records = NewsroomRecords(clearances={"tipdm-9"})
    assert not publication_gate(petition("咨询"), records, settings)[0]
    assert publication_gate(petition("诉求"), records, settings)[0]
    public, reason = publication_gate(petition("诉求", board="书记信箱"), records, settings)
    assert not public and "书记信箱" in reason
    assert publication_gate(petition("诉求", board="书记信箱", source_id="9"), records, settings)[0]


def test_no_review_at_all_when_configured_empty(make_settings):
    settings = make_settings(WENZHENG_REVIEW_TYPES=[])
    assert publication_gate(petition("举报"), NewsroomRecords(), settings)[0]


def test_review_all(make_settings):
    settings = make_settings(WENZHENG_REVIEW_ALL=True)
    assert publication_gate(petition("建议"), NewsroomRecords(), settings) == (False, "待编辑审核后公开")
    assert publication_gate(petition("建议"), NewsroomRecords(clearances={"tipdm-1"}), settings)[0]


def test_bad_gate_settings_are_named_together(make_settings):
    with pytest.raises(ConfigError) as error:
        make_settings(WENZHENG_REVIEW_TYPES=["举报", "投诉信"], WENZHENG_REVIEW_BOARDS="书记信箱",
                      WENZHENG_SCAN_KINDS=["mobile", "weibo"])
    message = str(error.value)
    assert "投诉信" in message and "WENZHENG_REVIEW_BOARDS" in message and "weibo" in message


def test_case_view_gates_the_real_sample(sample_store, make_settings):
    """The case view sets Case.public from the gate; gated cases stay in the list for the budget."""
    from wenzheng_bridge.caseview.view import cases
    from wenzheng_bridge.store import Store

    settings = make_settings()
    with Store.open(sample_store, readonly=True) as store:
        all_cases = list(cases(store, settings, records=NewsroomRecords(takedowns={"tipdm-360100": "测试"})))
    reports = [c for c in all_cases if c.petition.type == "举报"]
    assert reports and all(not c.public and "举报" in c.gate_reason for c in reports)
    taken = [c for c in all_cases if c.key == "tipdm-360100"]
    assert len(taken) == 1 and not taken[0].public and taken[0].gate_reason == "已撤下：测试"
    held = [c for c in all_cases if c.gate_reason.startswith("待审：疑似指控具名人员")]
    assert held and all(c.petition.type != "举报" and not c.public for c in held)
    assert sum(c.public for c in all_cases) == (len(all_cases) - len(reports) - len(held)
                                               - (taken[0].petition.type != "举报"))
