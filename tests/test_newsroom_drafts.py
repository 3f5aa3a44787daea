"""Editorial drafts from the real sample: content, masking, edit-safe regeneration, auto choice."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from wenzheng_bridge.caseview.view import cases
from wenzheng_bridge.newsroom import drafts as nd
from wenzheng_bridge.newsroom import records as nr
from wenzheng_bridge.newsroom.budget import make_budget
from wenzheng_bridge.records import SHANGHAI
from wenzheng_bridge.store import Store

NOW = datetime(2020, 2, 1, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def settings(make_settings, sample_store):
    return make_settings(PATH="content", WENZHENG_STORE=str(sample_store))


def views(settings, now=NOW) -> dict:
    with Store.open(settings["WENZHENG_STORE"], readonly=True) as store:
        return {c.key: c for c in cases(store, settings, records=nr.load(settings), now=now)}


def followup(settings, key, line):
    path = nr.record_path(settings, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def front_matter(text: str) -> dict:
    head = text.split("\n\n", 1)[0]
    return dict(line.split(": ", 1) for line in head.splitlines())


def test_draft_of_a_replied_case_quotes_both_sides(settings):
    case = views(settings)["tipdm-44203"]  # 咨询C市电动车免费上牌办理流程, answered by 市交警支队
    outcome = nd.write_draft(settings, [case], NOW)
    assert outcome.action == "new" and outcome.path.name == "wenzheng-tipdm-44203.md"
    text = outcome.path.read_text(encoding="utf-8")
    meta = front_matter(text)
    assert meta["Status"] == "draft" and meta["Cases"] == "tipdm-44203" and meta["Slug"] == "wenzheng-tipdm-44203"
    assert (meta["Board"], meta["Type"]) == (case.petition.board, case.petition.type)
    assert meta["Title"] == f"【零距离问政】{case.petition.title}" and meta["Date"] == "2020-02-01 09:00"
    for heading in ("## 导语", "## 网友反映", "## 部门答复", "## 进展时间线", "## 记者手记"):
        assert heading in text
    assert text.index("## 网友反映") < text.index("## 部门答复") < text.index("## 记者手记")
    assert "2019年12月31日，网友在C2区板块留言" in text
    assert f"> {case.petition.body.splitlines()[0].strip()[:30]}" in text
    assert "免费办理电动自行车上牌" in text and "> —— " in text
    reply_clock = case.clocks["reply"].working_days
    assert f"用时 {reply_clock} 个工作日" in text
    assert "- 2019-12-31 14:51　网友留言" in text


def test_several_cases_of_one_topic_share_a_draft(settings):
    chosen = [views(settings)[f"tipdm-{n}"] for n in (360101, 360107, 360108)]
    outcome = nd.write_draft(settings, chosen, NOW, topic="魅力之城油烟")
    text = outcome.path.read_text(encoding="utf-8")
    meta = front_matter(text)
    assert meta["Cases"] == "tipdm-360101, tipdm-360107, tipdm-360108"
    assert meta["Title"] == "【零距离问政】魅力之城油烟等 3 件留言"
    # fj3 has no reply columns: the draft must not tell readers nobody answered.
    assert "网友先后 3 次留言反映“魅力之城油烟”相关的问题。其中 3 件答复情况不明。" in text
    assert "0 件" not in text and "0 条" not in text and "尚无答复" not in text
    assert "点赞最多的一条是“" + chosen[2].petition.title in text  # 360108, 6 likes
    assert text.count("### ") == 6  # each case under 网友反映 and under 部门答复
    assert "[3] 网友留言" in text and outcome.slug == nd.slug_for([c.key for c in chosen])


def test_newsroom_notes_are_masked_and_source_markup_is_inert(settings):
    followup(settings, "tipdm-360102",
             "2020-01-20 | visited | 张三 | 公开：店主电话 13912345678，<script>alert(1)</script> 邮箱 zhang@example.com")
    outcome = nd.write_draft(settings, [views(settings)["tipdm-360102"]], NOW)
    text = outcome.path.read_text(encoding="utf-8")
    assert "13912345678" not in text and "139****5678" in text
    assert "zhang@example.com" not in text
    # Shown as typed, escaped for Markdown: the words stay, no tag is made.
    assert "<script" not in text and "&lt;script>alert(1)&lt;/script>" in text
    # A draft is written to be published: the note marked 公开 is there, the reporter's name is not;
    # a date-only record shows its date alone (no invented 00:00).
    assert "- 2020-01-20　实地走访：店主电话" in text and "张三" not in text  # on the timeline
    # The byline is the claim's, not the visit's: no claim, the placeholder for the reporter.
    assert front_matter(text)["Author"] == nd.BYLINE_PLACEHOLDER


def test_typed_entities_and_ampersands_read_as_typed_once_published(settings):
    """Markdown turns "&lt;" into "<": what a resident or reporter typed must survive publication."""
    import markdown
    from bs4 import BeautifulSoup

    followup(settings, "tipdm-360102", "2020-01-20 | visited | 张三 | 公开：写着 &lt;b&gt; 和 A&B 的告示牌")
    text = nd.write_draft(settings, [views(settings)["tipdm-360102"]], NOW).path.read_text(encoding="utf-8")
    shown = BeautifulSoup(markdown.markdown(text.split("\n\n", 1)[1]), "lxml").get_text()
    assert "写着 &lt;b&gt; 和 A&B 的告示牌" in shown


def test_rerun_refreshes_untouched_keeps_edited_and_reports_new_facts(settings):
    first = views(settings)
    case_keys = ["tipdm-360105", "tipdm-35462"]
    made = {k: nd.write_draft(settings, [first[k]], NOW) for k in case_keys}
    again = {k: nd.write_draft(settings, [first[k]], NOW) for k in case_keys}
    assert {o.action for o in again.values()} == {"unchanged"}

    edited = made["tipdm-360105"].path
    text = edited.read_text(encoding="utf-8").replace(nd.NOTES_PLACEHOLDER, "记者王五：商户说下月装净化器。")
    edited.write_text(text, encoding="utf-8")
    followup(settings, "tipdm-360105", "2020-01-28 | acted | 王五 | 城管已约谈商户")
    followup(settings, "tipdm-35462", "2020-01-29 | resolved | 李四 | 公开：辅道已开工")
    later = views(settings, NOW.replace(day=3))
    kept = nd.write_draft(settings, [later["tipdm-360105"]], NOW)
    assert kept.action == "kept" and edited.read_text(encoding="utf-8") == text
    assert kept.new_facts == ["[tipdm-360105] 状态：跟进中",
                              "[tipdm-360105] 2020-01-28 部门已处理（王五）：城管已约谈商户"]
    refreshed = nd.write_draft(settings, [later["tipdm-35462"]], NOW)
    assert refreshed.action == "refreshed" and refreshed.new_facts == []
    new_text = refreshed.path.read_text(encoding="utf-8")
    assert "辅道已开工" in new_text and "Date: 2020-02-01 09:00" in new_text  # first date kept
    side = json.loads(nd.sidecar_path(settings, refreshed.slug).read_text(encoding="utf-8"))
    assert side["sha256"] == nd.digest(new_text) and "[tipdm-35462] 状态：已解决" in side["facts"]

    refreshed.path.unlink()
    assert nd.write_draft(settings, [later["tipdm-35462"]], NOW).action == "restored"


def test_a_file_the_tool_did_not_write_is_never_overwritten(settings):
    case = views(settings)["tipdm-44203"]
    path = nd.drafts_dir(settings) / f"{nd.slug_for([case.key])}.md"
    path.parent.mkdir(parents=True)
    path.write_text("Title: 编辑自己写的\n\n正文\n", encoding="utf-8")
    outcome = nd.write_draft(settings, [case], NOW)
    assert outcome.action == "kept" and path.read_text(encoding="utf-8") == "Title: 编辑自己写的\n\n正文\n"
    assert "[tipdm-44203] 状态：已回复" in outcome.new_facts


def test_auto_picks_five_without_reports_or_published_cases(settings):
    by_key = views(settings)
    budget = make_budget(by_key.values(), settings, NOW, size=15)
    groups = nd.auto_groups(budget, 5)
    assert len(groups) == 5
    chosen = [case for members, _ in groups for case in members]
    assert len({c.key for c in chosen}) == len(chosen)
    assert all(c.petition.type != "举报" and c.public and not c.articles for c in chosen)
    assert any(len(members) > 1 and label for members, label in groups)  # a hot topic shares one draft
    label, members = next((label, members) for members, label in groups if len(members) > 1)
    topic = next(m for name, m in budget.topics if name == label)
    # A topic draft covers every case of its topic that may be drafted, not the first five.
    assert {c.key for c in members} == {c.key for c in topic if nd.auto_candidate(c)}


# -- every stated fact checked against the case ------------------------------------------
import re  # noqa: E402
from collections import Counter  # noqa: E402

#: Status phrases a lead may use, and the status each one states.
STATUS_PHRASES = {"问题已解决": "已解决", "问题仍未解决": "未解决", "仍未获答复": "逾期未复",
                  "仍在答复期限内": "待回复", "本栏目曾于": "已见报", "无法判断部门是否已答复": "答复情况不明"}


def cn_date(value) -> str:
    local = value.astimezone(SHANGHAI)
    return f"{local.year}年{local.month}月{local.day}日"


def check_single(text: str, case) -> None:
    """Every fact the lead and the sections state about one case, against the case itself."""
    p = case.petition
    lead = text.split("## 导语\n\n", 1)[1].split("\n", 1)[0]
    posted = re.match(r"(\d+年\d+月\d+日)，网友在(.+?)板块留言，反映“(.+?)”。", lead)
    assert posted and posted[1] == cn_date(p.posted) and posted[2] == p.board and posted[3] == p.title
    stated = {status for phrase, status in STATUS_PHRASES.items() if phrase in lead}
    assert len(stated) <= 1, lead  # one status, never two that contradict
    if stated:
        assert stated == {case.status}, (lead, case.status)
    answered = re.search(r"于(\d+年\d+月\d+日)作出答复(?:，用时 (\d+) 个工作日)?(?:，超过答复时限 (\d+) 个工作日)?", lead)
    if p.replies:
        assert answered and answered[1] == cn_date(p.replies[0].time)
        if answered[2]:
            assert int(answered[2]) == case.clocks["reply"].working_days
        assert int(answered[3] or 0) == case.overdue_days
        assert "尚无答复" not in text and "尚未答复" not in lead
    elif not case.reply_known:
        replies = text.split("## 部门答复\n\n", 1)[1].split("## ", 1)[0]
        assert answered is None and replies.startswith("（来源数据不含答复信息") and "尚无" not in text
    else:
        assert answered is None and "（平台上尚无" in text
        late = re.search(r"超过答复时限 (\d+) 个工作日，仍未获答复", lead)
        assert (int(late[1]) if late else 0) == (case.overdue_days if case.status == "逾期未复" else 0)
    acted = [f for f in case.followups if f.kind == "acted"]
    if acted and not p.replies:
        assert f"部门已于{cn_date(acted[-1].date)}处理" in text
    for likes in re.findall(r"点赞 ([\d,]+)", text):
        assert int(likes.replace(",", "")) == p.likes
    timeline = text.split("## 进展时间线\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(timeline) == len(case.timeline)
    for row in timeline:
        stamp_text, label, who = re.match(r"^- (\d{4}-\d\d-\d\d(?: \d\d:\d\d)?)　([^（：]+)(?:（(.+?)）)?", row).groups()
        assert any(nd.stamp(e.time) == stamp_text and e.label == label and (who or "") == (e.who if who else "")
                   for e in case.timeline), row


def test_every_fact_a_draft_states_matches_its_case(settings):
    followup(settings, "tipdm-35462", "2020-01-15 | resolved | 李四 | 辅道已开工")
    followup(settings, "tipdm-360102", "2020-01-20 | claimed | 张三 | 去现场")
    followup(settings, "tipdm-360102", "2020-01-22 | 部门处理 | 张三 | 城管约谈商户")
    followup(settings, "tipdm-360110", "2019-12-02 | 未解决 | 王五 | 油烟仍在")
    by_key = views(settings)
    chosen = [by_key[k] for k in ("tipdm-44203", "tipdm-35462", "tipdm-360108", "tipdm-360102", "tipdm-360110")]
    # A case whose source tells whether it was answered, unanswered: overdue now, pending the day after it came.
    unanswered = [c for c in by_key.values() if c.public and c.reply_known and not c.replied and not c.followups]
    overdue = [c for c in unanswered if c.status == "逾期未复"][:1]
    early = NOW
    pending = []
    if unanswered:
        latest = max(unanswered, key=lambda c: c.petition.posted)
        early = latest.petition.posted + timedelta(days=1)
        pending = [views(settings, early)[latest.key]]
    statuses = {c.status for c in chosen + overdue + pending}
    assert {"已回复", "已解决", "跟进中", "未解决", "答复情况不明"} <= statuses
    assert not unanswered or {"逾期未复", "待回复"} <= statuses
    for case in chosen + overdue + pending:
        text = nd.write_draft(settings, [case], early if case in pending else NOW).path.read_text(encoding="utf-8")
        check_single(text, case)
        meta = front_matter(text)
        assert meta["Cases"] == case.key
        claim = nr.holder(case.followups)
        assert meta["Author"] == (claim.who if claim else nd.BYLINE_PLACEHOLDER)
        assert f"本报记者　{meta['Author']}" in text
        notes = text.split("## 记者手记\n\n", 1)[1]
        assert notes.strip() == nd.NOTES_PLACEHOLDER  # left for the reporter, not the timeline again


def test_topic_draft_covers_every_case_with_counts_and_earlier_reports(settings):
    from wenzheng_bridge.records import ArticleRef

    by_key = views(settings)
    members = [by_key[f"tipdm-{n}"] for n in range(360100, 360110)]
    members[3].articles.append(ArticleRef(title="魅力之城油烟何时休", url="/column/meili/",
                                          date=datetime(2019, 9, 10, tzinfo=SHANGHAI)))
    text = nd.write_draft(settings, members, NOW, topic="魅力之城油烟").path.read_text(encoding="utf-8")
    listing = text.split("## 涉及的全部留言\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(listing) == len(members)
    for case in members:
        line = next(line for line in listing if f"（{case.key}，" in line)
        assert line.startswith(f"- {cn_date(case.petition.posted)}　{case.petition.title}（{case.key}，{case.status}")
        assert (f"点赞 {case.petition.likes:,}" in line) == bool(case.petition.likes)
    counts = Counter(c.status for c in members)
    lead = text.split("## 导语\n\n", 1)[1].split("\n", 1)[0]
    assert f"网友先后 {len(members)} 次留言" in lead
    for status, n in counts.items():
        if status != "已回复":
            assert f"{n} 件{status}" in lead
    liked = max(members, key=lambda c: c.petition.likes or 0)
    assert f"点赞最多的一条是“{liked.petition.title}”（点赞 {liked.petition.likes:,}）" in lead
    quoted = text.split("## 网友反映\n\n", 1)[1].split("## 涉及的全部留言", 1)[0]
    assert quoted.count("### ") == nd.QUOTED and f"### 1. {liked.petition.title}" in quoted
    assert "## 本报此前报道" in text and "- 2019年9月10日　[魅力之城油烟何时休](/column/meili/)" in text
