"""The accusation hold rule on real petitions: labelled by reading them, held as 待审 until cleared."""
from __future__ import annotations

import csv
import dataclasses
import sys

import pytest

from conftest import ROOT
from wenzheng_bridge.records import NewsroomRecords
from wenzheng_bridge.trust import publication_gate
from wenzheng_bridge.trust.accusation import accusation_hold, find_accusation, type_inferred

sys.path.insert(0, str(ROOT / "bench"))
import hold_rule  # noqa: E402


@pytest.fixture(scope="module")
def real():
    return hold_rule.petitions()


def test_the_labelled_set_is_real_and_large_enough(real):
    with (ROOT / "tests" / "data" / "accusation_labels.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    assert len(rows) >= 200 and len({row["id"] for row in rows}) == len(rows)
    assert {row["label"] for row in rows} == {"hold", "publish"} and all(row["reason"] for row in rows)
    assert all(row["id"] in real for row in rows)
    assert sum(row["label"] == "hold" for row in rows) >= 20


def test_precision_and_recall_on_the_labelled_set(real):
    """Figures in bench/RESULTS-hold-rule.md; a change that lowers them must be seen."""
    result = hold_rule.measure()
    assert result["recall"] >= 0.75 and result["precision"] >= 0.75, result


def test_deputy_director_without_a_report_word_is_held_with_the_evidence(real, make_settings):
    petition = real["119873"]
    assert "举报" not in petition.title + petition.body and petition.type == "诉求"
    public, reason = publication_gate(petition, NewsroomRecords(), make_settings())
    assert not public and reason.startswith("待审：") and "副局长" in reason and "利用职务之便" in reason
    cleared = NewsroomRecords(clearances={petition.key})
    assert publication_gate(petition, cleared, make_settings()) == (True, "")
    assert publication_gate(petition, NewsroomRecords(), make_settings(WENZHENG_HOLD_ACCUSATIONS=False))[0]


def test_a_type_the_source_gave_is_trusted(real):
    petition = real["119873"]
    assert petition.extra["inferred"]["type"] and type_inferred(petition) and accusation_hold(petition)
    # The source said 诉求 itself (only the board was inferred): the platform typed it, no hold.
    given = dataclasses.replace(petition, extra={"inferred": {"board": "标题“L8县”"}})
    assert not type_inferred(given) and accusation_hold(given) is None
    # A store pulled before adapters marked inferences: unsure when the type equals the rule's, so held.
    unmarked = dataclasses.replace(petition, extra={})
    assert type_inferred(unmarked) and accusation_hold(unmarked)
    other = dataclasses.replace(petition, extra={}, type="建议")
    assert not type_inferred(other) and accusation_hold(other) is None


@pytest.mark.parametrize("key", ["51522", "29080", "445", "19040"])
def test_a_letter_addressed_to_a_leader_is_not_an_accusation(real, key):
    """尊敬郑书记 … 请求郑书记纠正、制止这种违法违规…: the addressee is asked to act, not accused."""
    petition = real[key]
    assert find_accusation(f"{petition.title}\n{petition.body}", petition.title) is None


@pytest.mark.parametrize("key, person, wrong", [
    ("30073", "所长", "纵容"), ("46265", "村支书", "违法"), ("169083", "蒋局长", "违法"), ("35467", "行长", "克扣"),
])
def test_named_officials_accused_in_real_petitions(real, key, person, wrong):
    petition = real[key]
    found = accusation_hold(petition)
    assert found and person in found.person and found.wrongdoing == wrong
