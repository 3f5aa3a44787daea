"""Platform states, reopened cases, 已见报 only from an article, date-only records, on real petitions."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from wenzheng_bridge.caseview.states import platform_status
from wenzheng_bridge.caseview.stats import stats
from wenzheng_bridge.caseview.view import CaseBuilder
from wenzheng_bridge.records import SHANGHAI, ArticleRef, FollowUp, NewsroomRecords
from wenzheng_bridge.store import Store

NOW = {"WENZHENG_NOW": "2020-02-01T12:00:00+08:00"}
KEY = "tipdm-2554"  # real 咨询, answered 2019-05-09 09:49 (fj4)
SILENT = "tipdm-31807"  # real 诉求 from fj2: its sheet has no reply columns


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def petitions(sample_store):
    with Store.open(sample_store, readonly=True) as store:
        return {key: store.petition(key) for key in (KEY, SILENT)}


def follow(kind, *day, url="", key=KEY) -> FollowUp:
    return FollowUp(case=key, kind=kind, date=at(*day), who="张晓", note="", url=url,
                    origin=f"content/newsroom/{key}.txt:3")


def test_vocabulary_of_platform_states():
    assert platform_status("已办理") == "已回复"
    assert platform_status("已受理") == "待回复"
    assert platform_status("已转办") == "待回复"
    assert platform_status("已办结（满意）") == "已解决"
    assert platform_status("不予受理") == "未解决"
    assert platform_status("未办结") is None  # says the opposite of 办结
    assert platform_status("") is None and platform_status("神秘状态") is None
    assert platform_status("已办理", {"已办理": "已解决"}) == "已解决"  # a source's state_map wins


def test_platform_yibanli_is_a_reply_even_without_reply_data(petitions):
    # A 人民网-style capture: the platform says 已办理, the sheet carries no reply text.
    handled = replace(petitions[SILENT], state="已办理")
    case = CaseBuilder(NOW).build(handled)
    assert case.status == "已回复" and "已办理" in case.evidence and case.platform_state == "已办理"
    assert case.replied and case.reply_known and case.late is None and case.overdue_days == 0
    assert not [e for e in case.timeline if e.kind == "deadline"]
    figures = stats([case, CaseBuilder(NOW).build(petitions[SILENT])], NOW).total
    # The second case (no state, no reply columns) is in no denominator.
    assert (figures.count, figures.reply_base, figures.replied, figures.timed_base) == (2, 1, 1, 0)
    assert figures.statuses["答复情况不明"] == 1


def test_source_state_map_and_pending_state(petitions):
    pending = replace(petitions[SILENT], state="已受理")  # the platform says: received, not answered
    case = CaseBuilder(NOW).build(pending)
    assert case.status == "逾期未复" and case.late is True and case.reply_known
    settings = {**NOW, "WENZHENG_SOURCES": [{"name": "tipdm", "kind": "table", "state_map": {"已受理": "已回复"}}]}
    assert CaseBuilder(settings).build(pending).status == "已回复"


def test_reopening_beats_platform_banjie_and_an_older_article(petitions):
    closed = replace(petitions[KEY], state="已办结")
    article = ArticleRef(title="潇楚南路已修好", url="column/xiaochu/", date=at(2019, 5, 20))
    records = NewsroomRecords(followups={KEY: [follow("reopened", 2019, 6, 1)]}, articles={KEY: [article]})
    case = CaseBuilder(NOW, records).build(closed)
    assert case.status == "跟进中" and case.evidence.startswith("重新跟进") and "2019-06-01" in case.evidence
    assert not [e for e in case.timeline if e.label == "平台办结"]
    # An article published after the reopening reports on it: 已见报 again.
    later = ArticleRef(title="潇楚南路又挖开了", url="column/xiaochu-2/", date=at(2019, 6, 10))
    records.articles[KEY].append(later)
    assert CaseBuilder(NOW, records).build(closed).status == "已见报"


def test_published_only_from_an_article(petitions):
    bare = NewsroomRecords(followups={KEY: [follow("published", 2019, 5, 20)]})
    case = CaseBuilder(NOW, bare).build(petitions[KEY])
    assert case.status == "跟进中"  # the newsroom is on it, but no article is named
    linked = NewsroomRecords(followups={KEY: [follow("published", 2019, 5, 20, url="column/xiaochu/")]})
    case = CaseBuilder(NOW, linked).build(petitions[KEY])
    assert case.status == "已见报" and "column/xiaochu/" in case.evidence


def test_date_only_record_sorts_after_timed_events_of_its_day(petitions):
    # The real reply came 2019-05-09 09:49; a visit recorded for that day without a time.
    records = NewsroomRecords(followups={KEY: [follow("visited", 2019, 5, 9)]})
    case = CaseBuilder(NOW, records).build(petitions[KEY])
    kinds = [(e.kind, e.date_only) for e in case.timeline]
    assert kinds.index(("reply", False)) < kinds.index(("visited", True))
    timed = NewsroomRecords(followups={KEY: [follow("visited", 2019, 5, 9, 8, 30)]})
    kinds = [e.kind for e in CaseBuilder(NOW, timed).build(petitions[KEY]).timeline]
    assert kinds.index("visited") < kinds.index("reply")


def test_inferred_types_are_counted_per_type(petitions):
    # The adapters mark a type guessed from the text as extra["inferred"]["type"] (with its evidence):
    # the sample has no type column, so every sample type is inferred.
    assert petitions[KEY].extra["inferred"]["type"] and petitions[SILENT].extra["inferred"]["type"]
    given = CaseBuilder(NOW).build(replace(petitions[KEY], extra={"knows": petitions[KEY].extra["knows"]}))
    guessed = CaseBuilder(NOW).build(petitions[SILENT])
    assert (given.type_inferred, guessed.type_inferred) == (False, True)
    result = stats([given, guessed], NOW)
    assert result.total.type_inferred == 1
    assert result.by["type"][guessed.petition.type].type_inferred == 1
    assert result.by["type"][given.petition.type].as_dict()["type_inferred"] == (
        1 if given.petition.type == guessed.petition.type else 0)


def test_platform_state_reaches_every_export(petitions):
    from wenzheng_bridge.site.exports import case_record, csv_row, open311_request
    from wenzheng_bridge.site.slugs import Slugs

    case = CaseBuilder(NOW).build(replace(petitions[SILENT], state="已办理"))
    request = open311_request(case, Slugs())
    assert request["status"] == "closed" and request["status_notes"].endswith("；平台状态：已办理")
    record = case_record(case, {"SITEURL": "https://example.org"})
    assert (record["platform_state"], record["status"], record["reply_known"], record["late"]) == (
        "已办理", "已回复", True, None)
    assert csv_row(case, {"SITEURL": "https://example.org"}, record)["platform_state"] == "已办理"
