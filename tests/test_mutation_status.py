"""Status rules spelled out to the character (the evidence a reader sees): the precedence bugs
issue 20 planted, and the mutants that survived the first mutmut run on caseview/status.py
(bench/RESULTS-mutation.md)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from wenzheng_bridge.caseview.status import Lateness, clock, decide, lateness, reply_limit
from wenzheng_bridge.caseview.workdays import WorkCalendar
from wenzheng_bridge.records import SHANGHAI, ArticleRef, FollowUp, Petition, Reply

NOW = datetime(2020, 2, 1, 12, 0, tzinfo=SHANGHAI)
DUE = datetime(2019, 4, 30, 23, 59, 59, tzinfo=SHANGHAI)


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


def petition(**changes) -> Petition:
    fields = dict(source="tipdm", source_id="2554", title="A3区洋湖街道的路灯何时修好", posted=at(2019, 4, 24, 9, 0),
                  board="A市")
    fields.update(changes)
    return Petition(**fields)


def closed() -> Petition:
    # The platform state 办结 and its final reply (the sample's 2554 was answered by 洋湖街道).
    return petition(state="已办结", replies=[Reply(text="已安排维修", time=at(2019, 5, 9, 9, 49), unit="A3区洋湖街道")])


def follow(kind: str, *day, who="", note="", origin="", public=False) -> FollowUp:
    return FollowUp(case="tipdm-2554", kind=kind, date=at(*day), who=who, note=note, origin=origin, public=public)


# -- precedence: the newsroom, the platform's 办结, print (issue 20's surviving planted bugs)

def test_platform_closed_state_resolves_a_case_without_newsroom_word():
    verdict = decide(closed(), [], [], DUE, NOW)
    assert verdict.status == "已解决"
    assert verdict.evidence == "平台状态为“已办结”"
    assert verdict.resolved_at == at(2019, 5, 9, 9, 49)  # the last final reply: the platform shows no date


def test_newsroom_reopening_beats_the_platform_closed_state():
    followups = [follow("resolved", 2019, 5, 10), follow("reopened", 2019, 6, 2)]
    verdict = decide(closed(), followups, [], DUE, NOW)
    assert verdict.status == "跟进中"
    assert verdict.evidence == "重新跟进：2019-06-02 重新跟进"
    assert verdict.resolved_at is None


def test_an_article_after_the_reopening_puts_the_case_in_print_again():
    reopened = [follow("reopened", 2019, 6, 2)]
    later = ArticleRef(title="路灯又坏了", url="https://news.example/2", date=at(2019, 6, 10))
    earlier = ArticleRef(title="路灯坏了", url="https://news.example/1", date=at(2019, 5, 10))
    assert decide(closed(), reopened, [later], DUE, NOW).status == "已见报"
    assert decide(closed(), reopened, [earlier], DUE, NOW).status == "跟进中"


def test_reopening_alone_also_beats_the_platform_closed_state():
    verdict = decide(closed(), [follow("reopened", 2019, 6, 2)], [], DUE, NOW)
    assert verdict.status == "跟进中"


def test_a_later_newsroom_resolution_after_reopening_closes_again():
    followups = [follow("reopened", 2019, 6, 2), follow("unresolved", 2019, 6, 20)]
    # Given out of order: the decision goes by date, not by list order.
    verdict = decide(closed(), list(reversed(followups)), [], DUE, NOW)
    assert verdict.status == "未解决" and verdict.resolved_at is None
    assert verdict.evidence.startswith("2019-06-20 ")


def test_published_followup_with_its_link_makes_the_case_seen_in_print():
    linked = FollowUp(case="tipdm-2554", kind="published", date=at(2019, 5, 20), url="https://news.example/7")
    followups = [follow("claimed", 2019, 5, 1), linked, follow("visited", 2019, 5, 25)]
    verdict = decide(petition(), followups, [], DUE, NOW)
    assert verdict.status == "已见报"
    assert verdict.evidence == "2019-05-20 已见报 https://news.example/7"
    # Without a link to the article it is newsroom work in progress, not print.
    unlinked = [follow("claimed", 2019, 5, 1), follow("published", 2019, 5, 20)]
    assert decide(petition(), unlinked, [], DUE, NOW).evidence == "2019-05-20 已见报"
    assert decide(petition(), unlinked, [], DUE, NOW).status == "跟进中"


def test_only_published_articles_count_not_drafts():
    open_petition = petition()
    draft = ArticleRef(title="路灯何时亮", url="/drafts/1", date=at(2019, 5, 20), status="draft")
    assert decide(open_petition, [], [draft], DUE, NOW).status == "待回复"
    printed = ArticleRef(title="路灯何时亮", url="https://news.example/1", date=at(2019, 5, 21))
    older = ArticleRef(title="路灯仍未亮", url="https://news.example/0", date=at(2019, 5, 2))
    verdict = decide(open_petition, [], [older, draft, printed], DUE, NOW)
    assert verdict.status == "已见报" and "《路灯何时亮》" in verdict.evidence


@pytest.mark.parametrize("now, expected", [
    (DUE, Lateness(0, False)),
    (at(2019, 5, 1, 10, 0), Lateness(0, False)),  # 劳动节: a day off right after the deadline is no delay
    (at(2019, 5, 4, 22, 0), Lateness(0, False)),
    (at(2019, 5, 5, 8, 0), Lateness(1, True)),  # Sunday 05-05, a 调休 working day (国办发明电〔2019〕2号)
    (at(2019, 5, 7, 8, 0), Lateness(3, True)),
])
def test_lateness_counts_working_days_after_the_deadline_day(now, expected):
    assert lateness(DUE, False, None, now, WorkCalendar()) == expected


def test_lateness_of_a_reply_and_when_it_cannot_be_known():
    calendar = WorkCalendar()
    assert lateness(DUE, True, at(2019, 5, 6, 9, 0), NOW, calendar) == Lateness(2, True)
    assert lateness(DUE, True, at(2019, 4, 30, 18, 0), NOW, calendar) == Lateness(0, False)
    assert lateness(DUE, True, None, NOW, calendar) == Lateness(0, None)  # answered, time unknown
    assert lateness(None, False, None, NOW, calendar) == Lateness(0, None)


def test_overdue_only_when_late():
    open_petition = petition()
    late = lateness(DUE, False, None, NOW, WorkCalendar())
    assert decide(open_petition, [], [], DUE, NOW, late).status == "逾期未复"
    assert decide(open_petition, [], [], DUE, NOW, Lateness(0, False)).status == "待回复"
    assert decide(open_petition, [], [], None, NOW).status == "待回复"



# -- reply limits: the published rule (咨询/建议 5, 诉求/投诉 7) and the settings over it

@pytest.mark.parametrize("kind, board, expected", [
    ("投诉", "A市", 10),  # a complaint is a 诉求
    ("诉求", "A市", 10),
    ("咨询", "A市", 5),
    ("咨询", "B市", 2),  # board/type beats board/* beats type
    ("建议", "B市", 4),
    ("", "C市", 3),  # no type: the "*" setting
    ("举报", "C市", 7),
])
def test_reply_limit_follows_the_settings_over_the_published_rule(kind, board, expected):
    settings = {"WENZHENG_REPLY_LIMITS": {"诉求": 10, "B市/咨询": 2, "B市/*": 4, "*": 3}}
    assert reply_limit(petition(type=kind, board=board), settings) == expected


def test_reply_limit_defaults_are_the_published_rule():
    assert [reply_limit(petition(type=t), {}) for t in ("咨询", "建议", "诉求", "投诉", "举报", "")] == [5, 5, 7, 7, 7, 7]


# -- clocks in calendar days, to two decimals

def test_clock_counts_calendar_days_to_two_decimals_and_never_below_zero():
    calendar = WorkCalendar()
    start = at(2019, 4, 24, 9, 0)
    assert clock(start, start + timedelta(hours=36), NOW, calendar).calendar_days == 1.5
    assert clock(start, start + timedelta(hours=8), NOW, calendar).calendar_days == 0.33
    assert clock(start, start + timedelta(days=10), NOW, calendar).calendar_days == 10.0
    assert clock(start, start + timedelta(days=500), NOW, calendar).calendar_days == 500.0  # a day is 86,400 s
    assert clock(start, start - timedelta(hours=5), NOW, calendar).calendar_days == 0
    running = clock(start, None, start + timedelta(days=2), calendar)
    assert running.running and running.calendar_days == 2.0


# -- the evidence strings

def test_followup_evidence_shows_what_and_when_and_only_a_public_note():
    shown = follow("visited", 2019, 5, 14, who="张晓", note="路灯已修", origin="content/newsroom/a.txt:3", public=True)
    assert decide(petition(), [shown], [], DUE, NOW).evidence == "2019-05-14 实地走访：路灯已修"
    # Never the reporter's name, the record's file, or a note not marked 公开.
    private = follow("visited", 2019, 5, 14, who="张晓", note="线人电话", origin="content/newsroom/a.txt:3")
    assert decide(petition(), [private], [], DUE, NOW).evidence == "2019-05-14 实地走访"


def test_reply_evidence_is_the_first_reply_by_time():
    replies = [Reply(text="已办结", time=at(2019, 5, 20, 10, 0), final=True),
               Reply(text="正在核实", time=at(2019, 5, 9, 9, 49), final=False)]
    verdict = decide(petition(replies=replies), [], [], DUE, NOW)
    assert verdict.status == "已回复"
    assert verdict.evidence == "2019-05-09 09:49 阶段性答复（第 2 条回复）"
    final_first = [Reply(text="已办结", time=at(2019, 5, 9, 9, 49)), Reply(text="补充", time=at(2019, 5, 20))]
    assert decide(petition(replies=final_first), [], [], DUE, NOW).evidence == "2019-05-09 09:49 答复（第 1 条回复）"
    untimed = [Reply(text="已答复", time=None)]
    assert decide(petition(replies=untimed), [], [], DUE, NOW).evidence == "时间不详 答复（第 1 条回复）"


def test_waiting_evidence_says_the_deadline_or_why_there_is_none():
    assert decide(petition(), [], [], DUE, DUE).evidence == "尚无答复，答复期限 2019-04-30"
    assert decide(petition(posted=None), [], [], None, NOW).evidence == "尚无答复（留言时间不明，无法计算期限）"
    assert decide(petition(), [], [], DUE, NOW, Lateness(5, True)).evidence == "答复期限 2019-04-30 已过，尚无答复"


def test_platform_closed_time_is_the_last_final_reply():
    replies = [Reply(text="阶段性", time=at(2019, 6, 1), final=False), Reply(text="办结", time=at(2019, 5, 9)),
               Reply(text="补充", time=None)]
    verdict = decide(petition(state="办结", replies=replies), [], [], DUE, NOW)
    assert verdict.status == "已解决" and verdict.resolved_at == at(2019, 5, 9)
    only_interim = [Reply(text="阶段性", time=at(2019, 6, 1), final=False)]
    assert decide(petition(state="办结", replies=only_interim), [], [], DUE, NOW).resolved_at is None


def test_the_latest_dated_article_is_the_evidence():
    undated = ArticleRef(title="旧稿", url="https://news.example/0", date=None)
    dated = ArticleRef(title="路灯何时亮", url="https://news.example/1", date=at(2019, 5, 21))
    for articles in ([undated, dated], [dated, undated]):
        assert decide(petition(), [], articles, DUE, NOW).evidence == "见报：《路灯何时亮》 https://news.example/1"


def test_platform_states_through_the_settings_map():
    mapping = {"已受理完毕": "已解决", "不予受理": "未解决"}
    resolved = decide(petition(state="已受理完毕", replies=[Reply("已办", at(2019, 5, 9))]), [], [], DUE, NOW,
                      state_map=mapping)
    assert (resolved.status, resolved.resolved_at) == ("已解决", at(2019, 5, 9))
    refused = decide(petition(state="不予受理", replies=[Reply("不属于受理范围", at(2019, 5, 9))]), [], [], DUE, NOW,
                     state_map=mapping)
    assert (refused.status, refused.evidence, refused.resolved_at) == ("未解决", "平台状态为“不予受理”", None)
    assert decide(petition(state="已受理完毕"), [], [], DUE, NOW).status == "待回复"  # unknown without the map


def test_a_platform_replied_state_without_reply_text():
    verdict = decide(petition(state="已回复"), [], [], DUE, NOW, Lateness(3, True))
    assert (verdict.status, verdict.evidence) == ("已回复", "平台状态为“已回复”（来源数据未给出答复内容和时间）")


def test_an_article_dated_with_the_reopening_does_not_close_it():
    same_day = ArticleRef(title="路灯又坏了", url="https://news.example/2", date=at(2019, 6, 2))
    assert decide(closed(), [follow("reopened", 2019, 6, 2)], [same_day], DUE, NOW).status == "跟进中"
