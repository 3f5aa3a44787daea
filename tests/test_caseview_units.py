"""Who replied: units read from the 120 real replies of fj4, checked by hand."""
from __future__ import annotations

from dataclasses import replace

import pytest

from wenzheng_bridge.caseview.units import addressee, detect_unit, replying_unit
from wenzheng_bridge.caseview.view import CaseBuilder
from wenzheng_bridge.store import Store

# Checked by hand against the reply text (bench/RESULTS-caseview.md lists the whole check).
HAND_CHECKED = {
    "2554": ("A3区洋湖街道", "acted"),  # "…的问题,A3区洋湖街道高度重视"
    "2849": ("A3区住建局", "acted"),
    "2759": ("A3区学士街道", "acted"),  # "A3区学士街道、含浦街道高度重视"
    "2557": ("市住建局", "acted"),  # "市住建局及时将您反映的问题交由…"
    "176604": ("G4县档案局", "sign-off"),  # "… G4县档案局 2013年8月3日"
    "159699": ("西地省水库移民开发管理局", "sign-off"),
    "50409": ("C市人口计生委政策法规科", "sign-off"),
    "44203": ("市交警支队", "sign-off"),
    "34252": ("B4区交警大队", "verified"),  # "经B4区交警大队与…核实"
    "35479": ("区住建局", "verified"),
    "172664": ("石牛江镇政府", "verified"),  # "交由石牛江镇政府调查处理，现将其回复转载如下"
    "35801": ("泰山路街道", "acted"),  # "泰山路街道回复："
    "169559": ("梦溪镇党委政府", "acted"),
    "175864": ("县教育局", "acted"),
    "176441": ("坡头镇", "acted"),  # "坡头镇党委、政府高度重视"
    "46026": ("C4市交通运输局办公室", "contact"),
}


@pytest.fixture(scope="module")
def answered(sample_store):
    with Store.open(sample_store, readonly=True) as store:
        return {p.source_id: p for p in store.petitions() if p.replies}


def test_hand_checked_units(answered):
    assert len(answered) == 120
    for source_id, expected in HAND_CHECKED.items():
        assert replying_unit(answered[source_id]) == expected, source_id


def test_detection_rate_on_fj4(answered):
    found = {sid: replying_unit(p) for sid, p in answered.items()}
    detected = [sid for sid, (unit, _) in found.items() if unit]
    # Measured: 27 of 120 (the rest mostly say only "我局"/"我办" or name nobody).
    assert len(detected) >= 27
    # Never a pronoun, a bare suffix or a sentence fragment.
    for sid in detected:
        unit = found[sid][0]
        assert 2 < len(unit) <= 16 and not unit.startswith(("我", "对", "您")), (sid, unit)


def test_leader_mailbox_addressee(answered):
    reply = answered["2549"].replies[0].text
    assert "在平台《问政西地省》栏目向胡华衡书记留言" in reply
    assert addressee(reply) == "胡华衡书记"
    case = CaseBuilder({"WENZHENG_NOW": "2020-02-01T12:00:00+08:00"}).build(answered["2549"])
    assert case.addressed_to == "胡华衡书记"


def test_source_field_and_account_take_precedence(answered):
    petition = answered["2554"]
    stated = replace(petition, replies=[replace(petition.replies[0], unit="A3区人民政府")])
    assert replying_unit(stated) == ("A3区人民政府", "source")
    nameless = answered["178547"]  # "您好，你所反映的问题已转交相关单位调查处置。"
    assert replying_unit(nameless) == ("", "")
    posted_by = replace(nameless, replies=[replace(nameless.replies[0], author="K3县网络发言人")])
    assert replying_unit(posted_by) == ("K3县网络发言人", "account")


def test_department_falls_back_to_the_unit(answered):
    builder = CaseBuilder({"WENZHENG_NOW": "2020-02-01T12:00:00+08:00"})
    assert builder.build(answered["2554"]).department == "A3区洋湖街道"
    assert builder.build(replace(answered["2554"], department="A3区住建局")).department == "A3区住建局"


@pytest.mark.parametrize("text", [
    "您好，您反映的问题已转交相关部门调查处置。",
    "网友：您好！收到您反映的问题后，我办立即组织人员进行核查处理。",
    "对您反映的问题我局高度重视，已要求医保中心查找原因。",
])
def test_no_unit_invented(text):
    assert detect_unit(text) == ("", "")
