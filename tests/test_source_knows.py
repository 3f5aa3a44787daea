"""What each source knows: detected per file of a table at pull time, declared per source, validated."""
from __future__ import annotations

from collections import Counter

import pytest
from openpyxl import load_workbook

from conftest import tipdm_source
from wenzheng_bridge.caseview.view import CaseBuilder
from wenzheng_bridge.config import ConfigError
from wenzheng_bridge.sources.settings import declared_knows
from wenzheng_bridge.store import Store

SHEETS = ("fj2_sample495_labelled.xlsx", "fj3_sample30_likes.xlsx", "fj4_sample120_replies.xlsx")


def sheet_ids(sample_dir, name) -> tuple[list[str], set[str]]:
    rows = load_workbook(sample_dir / name, read_only=True).worksheets[0].iter_rows(values_only=True)
    header = [h for h in next(rows) if h]
    return header, {str(row[0]) for row in rows if row[0] is not None}


def test_knowledge_is_detected_per_file_not_per_source(sample_store, sample_dir):
    with Store.open(sample_store, readonly=True) as store:
        knows = {p.source_id: set(p.extra.get("knows", ())) for p in store.petitions()}
    for name in SHEETS:
        header, ids = sheet_ids(sample_dir, name)
        carried = "答复意见" in header
        assert all(("replies" in knows[i]) is carried for i in ids), name
        assert all(("reply_times" in knows[i]) is ("答复时间" in header) for i in ids), name
        assert all(("engagement" in knows[i]) is ("点赞数" in header) for i in ids), name
        assert all("types" not in knows[i] for i in ids)  # no sheet has a 留言类型 column
    assert Counter("replies" in k for k in knows.values()) == {False: 524, True: 120}


def test_declared_knowledge_narrows_and_kinds_have_defaults(sample_store):
    assert declared_knows({"kind": "table"}) >= {"replies", "reply_times"}
    assert declared_knows({"kind": "forum", "spokespersons": {}}) == {"engagement"}
    assert declared_knows({"kind": "forum", "spokespersons": {"市长信箱发言人": "市政府办公室"}}) >= {
        "replies", "reply_times", "departments"}
    assert "replies" not in declared_knows({"kind": "feed", "full_text": "never", "spokespersons": ["a"]})
    assert "replies" not in declared_knows({"kind": "json", "fields": {"reply_text": ""}})
    with Store.open(sample_store, readonly=True) as store:
        answered = store.petition("tipdm-2554")  # fj4: the sheet has replies
    declared = {"WENZHENG_SOURCES": [{"name": "tipdm", "kind": "table", "knows": ["types"]}],
                "WENZHENG_NOW": "2020-02-01T12:00:00+08:00"}
    # A reply on record is still a reply; its time is not used when the source says it has none.
    case = CaseBuilder(declared).build(answered)
    assert case.status == "已回复" and case.late is None and case.clocks["reply"].working_days is None


@pytest.mark.parametrize("option, value, words", [
    ("knows", ["replies", "likes"], ["knows", "未知的事实", "likes"]),
    ("state_map", {"已办理": "办完了"}, ["state_map", "办完了"]),
])
def test_bad_declarations_are_named_in_chinese(make_settings, option, value, words):
    with pytest.raises(ConfigError) as caught:
        make_settings(sources=[tipdm_source(**{option: value})])
    assert all(word in str(caught.value) for word in words)
