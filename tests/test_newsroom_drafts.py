"""Editorial drafts from the real sample: content, masking, edit-safe regeneration, auto choice."""
from __future__ import annotations

import json
from datetime import datetime

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
    assert "3 条网友留言先后反映“魅力之城油烟”相关的问题。其中 0 条已获答复，3 条逾期未复。" in text
    assert text.count("### ") == 6  # each case under 网友反映 and under 部门答复
    assert "[3] 网友留言" in text and outcome.slug == nd.slug_for([c.key for c in chosen])


def test_newsroom_notes_are_masked_and_source_markup_is_inert(settings):
    followup(settings, "tipdm-360102",
             "2020-01-20 | visited | 张三 | 公开：店主电话 13912345678，<script>alert(1)</script> 邮箱 zhang@example.com")
    outcome = nd.write_draft(settings, [views(settings)["tipdm-360102"]], NOW)
    text = outcome.path.read_text(encoding="utf-8")
    assert "13912345678" not in text and "139****5678" in text
    assert "zhang@example.com" not in text
    assert "<script" not in text and "alert(1)" not in text
    # A draft is written to be published: the note marked 公开 is there, the reporter's name is not.
    assert "- 2020-01-20 00:00 实地走访：店主电话" in text and "张三" not in text


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
                              "[tipdm-360105] 2020-01-28 00:00 部门已处理（王五）：城管已约谈商户"]
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
    trending_top = next(line.case for line in budget.sections["trending"] if nd.auto_candidate(line.case))
    assert trending_top.key in {c.key for c in chosen}
