"""Derived status with evidence, clocks and timeline, from real petitions and newsroom records."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from wenzheng_bridge import trust
from wenzheng_bridge.caseview import STATUSES, cases
from wenzheng_bridge.caseview.view import CaseBuilder
from wenzheng_bridge.records import SHANGHAI, ArticleRef, FollowUp, NewsroomRecords
from wenzheng_bridge.store import Store

NOW = {"WENZHENG_NOW": "2020-02-01T12:00:00+08:00"}
KEY = "tipdm-2554"  # real 咨询 to A3区, answered 2019-05-09 by A3区洋湖街道


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def petitions(sample_store):
    with Store.open(sample_store, readonly=True) as store:
        return {p.key: p for p in store.petitions()}


def follow(kind: str, *day, who="张晓", note="", url="", public=False) -> FollowUp:
    return FollowUp(case=KEY, kind=kind, date=at(*day), who=who, note=note, url=url,
                    origin=f"content/newsroom/{KEY}.txt:1", public=public)


def build(petition, records=None, settings=NOW):
    return CaseBuilder(settings, records).build(petition)


def test_replied_case_with_evidence_and_clocks(petitions):
    # The sample has no type column: the type is the rule's guess, pinned here to test the 5-day limit.
    case = build(replace(petitions[KEY], type="咨询"))
    assert case.status == "已回复"
    assert "2019-05-09 09:49" in case.evidence and "答复" in case.evidence
    # 5 working days after 04-24: 04-25, 04-26, 04-28 (Sunday, 调休 for May Day), 04-29, 04-30.
    assert case.deadline == at(2019, 4, 30, 23, 59, 59)
    # Answered 05-09: 05-05 (Sunday, 调休), 05-06, 05-07, 05-08, 05-09 past the limit.
    assert case.overdue_days == 5
    assert case.unit == "A3区洋湖街道" and case.department == "A3区洋湖街道"
    assert case.clocks["reply"].running is False
    assert case.clocks["followup"].working_days is None
    assert case.clocks["resolution"].running is True  # not resolved: measured up to now
    assert [e.kind for e in case.timeline] == ["posted", "deadline", "reply"]
    assert case.timeline[2].who == "A3区洋湖街道"


def test_followups_move_the_status(petitions):
    petition = petitions[KEY]
    records = NewsroomRecords(followups={KEY: [follow("claimed", 2019, 5, 10), follow("visited", 2019, 5, 14)]})
    case = build(petition, records)
    assert case.status == "跟进中"
    # Evidence is shown to readers: what and when, never the reporter or the record's file and line.
    assert case.evidence == "2019-05-14 实地走访"
    # Reply 05-09 (Thursday) to claim 05-10 (Friday): one working day.
    assert case.clocks["followup"].working_days == 1
    assert case.clocks["followup"].running is False

    records.followups[KEY].append(follow("resolved", 2019, 6, 3, note="道路已通车", public=True))
    case = build(petition, records)
    assert case.status == "已解决" and "道路已通车" in case.evidence
    assert case.clocks["resolution"].running is False
    assert case.clocks["resolution"].calendar_days == pytest.approx(39.33, abs=0.01)
    assert [e.label for e in case.timeline][-3:] == ["记者认领", "实地走访", "已解决"]

    records.followups[KEY].append(follow("reopened", 2019, 7, 1, note="又挖开了"))
    assert build(petition, records).status == "跟进中"
    records.followups[KEY].append(follow("unresolved", 2019, 8, 1, note="部门称无法解决"))
    case = build(petition, records)
    assert case.status == "未解决" and case.evidence == "2019-08-01 未解决"  # an internal note stays inside
    assert case.clocks["resolution"].calendar_days is None


def test_published_article_names_the_case(petitions):
    article = ArticleRef(title="潇楚南路何时修好", url="column/xiaochu-road/", date=at(2019, 5, 20), slug="xiaochu-road")
    draft = ArticleRef(title="草稿", url="drafts/x/", date=at(2019, 5, 21), status="draft")
    records = NewsroomRecords(followups={KEY: [follow("claimed", 2019, 5, 10)]},
                              articles={KEY: [article, draft]})
    case = build(petitions[KEY], records)
    assert case.status == "已见报"
    assert "潇楚南路何时修好" in case.evidence and "column/xiaochu-road/" in case.evidence
    published = [e for e in case.timeline if e.kind == "published"]
    assert [(e.label, e.url) for e in published] == [("已见报", "column/xiaochu-road/")]
    # A draft never counts as published.
    assert build(petitions[KEY], NewsroomRecords(articles={KEY: [draft]})).status == "已回复"


def test_platform_state_banjie_resolves_only_with_evidence(petitions):
    closed = replace(petitions[KEY], state="已办结")
    case = build(closed)
    assert case.status == "已解决" and "已办结" in case.evidence
    assert case.timeline[-1].kind == "resolved" and case.timeline[-1].label == "平台办结"
    assert build(replace(petitions[KEY], state="已回复")).status == "已回复"


def test_unanswered_within_and_past_the_limit(petitions):
    # Posted Saturday 2019-10-12, in fj2 (no reply columns); its type is inferred, pinned to test the 7-day limit.
    raw = replace(petitions["tipdm-31807"], type="诉求")
    assert not raw.replies
    # Its sheet cannot say nobody replied: no status that claims so, no deadline, no clock.
    unknown = build(raw, settings={"WENZHENG_NOW": "2019-10-25T12:00:00+08:00"})
    assert unknown.status == "答复情况不明" and "不含答复信息" in unknown.evidence
    assert unknown.deadline is None and unknown.overdue_days == 0 and unknown.late is None
    assert unknown.clocks["reply"].working_days is None
    assert [e.kind for e in unknown.timeline] == ["posted"]
    # The same post from a source that carries replies: unanswered is then a fact.
    petition = replace(raw, extra={**raw.extra, "knows": ["replies", "reply_times"]})
    within = build(petition, settings={"WENZHENG_NOW": "2019-10-18T12:00:00+08:00"})
    assert within.status == "待回复" and within.overdue_days == 0
    assert within.clocks["reply"].running and within.clocks["reply"].working_days == 5
    past = build(petition, settings={"WENZHENG_NOW": "2019-10-25T12:00:00+08:00"})
    assert past.status == "逾期未复"
    # 7 working days after 10-12: 10-14 … 10-18, 10-21, 10-22; then 10-23, 10-24, 10-25 past it.
    assert past.deadline == at(2019, 10, 22, 23, 59, 59)
    assert past.overdue_days == 3
    assert past.timeline[-1].kind == "deadline"


def test_gate_and_masking_come_from_trust(petitions):
    report = petitions["tipdm-46890"]  # a real 举报
    case = build(report)
    assert (case.public, case.gate_reason) == trust.publication_gate(report, NewsroomRecords(), NOW)
    assert case.public is False
    cleared = build(report, NewsroomRecords(clearances={report.key}))
    assert cleared.public is True
    taken = build(petitions[KEY], NewsroomRecords(takedowns={KEY: "当事人申请"}))
    assert taken.public is False and "当事人申请" in taken.gate_reason
    # The case carries the masked copy, never the raw petition.
    phone = replace(petitions[KEY], body=petitions[KEY].body + " 联系电话13812345678")
    masked = build(phone)
    assert masked.petition == trust.prepare_petition(phone)
    assert "13812345678" not in masked.petition.body


def test_every_sample_case_gets_a_status(sample_store):
    with Store.open(sample_store, readonly=True) as store:
        views = list(cases(store, NOW))
    assert len(views) == 644
    assert {c.status for c in views} <= set(STATUSES)
    assert all(c.evidence for c in views)
    replied = [c for c in views if c.petition.replies]
    assert len(replied) == 120 and all(c.status == "已回复" for c in replied)
    assert all(c.timeline[0].kind == "posted" for c in views)
    assert all(c.timeline == sorted(c.timeline, key=lambda e: e.time) for c in views)
