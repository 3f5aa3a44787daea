"""Who replied: units read from the 120 real replies of fj4, checked by hand."""
from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest

from wenzheng_bridge.caseview.units import UnitReader, addressee, detect_unit, replying_unit
from wenzheng_bridge.records import Petition, Reply
from wenzheng_bridge.caseview.view import CaseBuilder
from wenzheng_bridge.store import Store

# Checked by hand against the reply text (bench/RESULTS-caseview.md lists the whole check).
HAND_CHECKED = {
    "2554": ("A3区洋湖街道", "acted"),  # "…的问题,A3区洋湖街道高度重视"
    "2849": ("A3区住房和城乡建设局", "acted"),  # "A3区住建局高度重视": alias folded
    "2759": ("A3区学士街道", "acted"),  # "A3区学士街道、含浦街道高度重视"
    "2557": ("A市住房和城乡建设局", "acted"),  # "市住建局及时将…": the only city the text names is A市
    "176604": ("G4县档案局", "sign-off"),  # "… G4县档案局 2013年8月3日"
    "159699": ("西地省水库移民开发管理局", "sign-off"),
    "50409": ("C市人口计生委", "sign-off"),  # "…C市人口计生委政策法规科 2014年5月16日": section folded
    "44203": ("市交警支队", "sign-off"),
    "34252": ("B4区交警大队", "verified"),  # "经B4区交警大队与…核实"
    "35479": ("区住房和城乡建设局", "verified"),  # no district named: stays generic
    "172664": ("石牛江镇人民政府", "verified"),  # "交由石牛江镇政府调查处理，现将其回复转载如下"
    "35801": ("泰山路街道", "acted"),  # "泰山路街道回复："
    "169559": ("梦溪镇党委政府", "acted"),
    "175864": ("临G5县教育局", "acted"),  # "县教育局接到您的投诉后" + "临G5县合口中学"
    "176441": ("坡头镇党委政府", "acted"),  # "坡头镇党委、政府高度重视"
    "46026": ("C4市交通运输局", "contact"),  # "投诉电话：…（C4市交通运输局办公室）"
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
    # Hand labels: 23 of the 120 name their unit (the rest say only "我局"/"我办" or name nobody).
    assert len(detected) >= 20
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
    # The source's name wins but is folded like any other ("A3区住建局" is the 住房和城乡建设局).
    stated = replace(petition, replies=[replace(petition.replies[0], unit="A3区住建局")])
    assert replying_unit(stated) == ("A3区住房和城乡建设局", "source")
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


def _hand_labels() -> dict[str, str]:
    with open(Path(__file__).parent / "data" / "reply_units.tsv", encoding="utf-8", newline="") as handle:
        return {row["留言编号"]: row["unit"] for row in csv.DictReader(handle, delimiter="\t")
                if row["file"] == "fj4_sample120_replies.xlsx"}


def test_units_against_hand_labels(answered):
    """The sample's 120 replies, each labelled by hand (tests/data/reply_units.tsv)."""
    labels = _hand_labels()
    assert len(labels) == 120 and set(labels) == set(answered)
    found = {sid: detect_unit(answered[sid].replies[0].text)[0] for sid in labels}
    named = [sid for sid, unit in labels.items() if unit]
    detected = [sid for sid, unit in found.items() if unit]
    right = [sid for sid in detected if found[sid] == labels[sid]]
    assert len(right) / len(named) >= 0.6, (len(right), len(named))
    assert len(right) / len(detected) >= 0.9, [(sid, found[sid], labels[sid]) for sid in detected if sid not in right]


@pytest.mark.parametrize("text, unit", [
    # Two towns' 镇党委 never merge: the generic name takes the town the text names.
    ("江背镇五美社区群众工作组收集到了反映，镇党委、政府高度重视，成立了专案调查组。", "江背镇党委政府"),
    ("经上户核查，综合福临镇村镇服务中心的信息，镇党委、政府高度重视，多次进行调查核实。", "福临镇党委政府"),
    # Two towns named: which one is meant is unknown, and a bare 镇党委政府 would merge towns.
    ("江背镇与福临镇交界处，镇党委、政府高度重视，多次进行调查核实。", ""),
    ("感谢您的关注！榔梨街道办事处2015年2月5日", "榔梨街道"),
    ("感谢您对我们工作的理解与支持！ A7县交通局2012年9月19日", "A7县交通运输局"),
    ("感谢您对我们工作的关心与支持！中共A4区委办公室2015年8月7日", "中共A4区委办公室"),
    ("网友您好！我们立即要求双江口镇进行调查核实，现将有关情况答复如下。", "双江口镇人民政府"),
])
def test_generic_units_qualified_and_variants_folded(text, unit):
    assert detect_unit(text)[0] == unit


def test_alias_setting_folds_a_local_name():
    builder = CaseBuilder({"WENZHENG_NOW": "2020-02-01T12:00:00+08:00",
                           "WENZHENG_UNIT_ALIASES": {"A3区洋湖街道": "A3区洋湖街道办事处（合署）"}})
    petition = Petition(source="t", source_id="1", title="路灯不亮",
                        replies=[Reply(text="针对您反映的问题,A3区洋湖街道高度重视，现回复如下：已修复。")])
    assert builder.build(petition).unit == "A3区洋湖街道办事处（合署）"
    assert UnitReader({"城管局": "城市管理和行政执法局"}).canonical("A7县城管局") == "A7县城市管理和行政执法局"


def test_bad_alias_or_gazetteer_setting_is_a_clear_chinese_error(tmp_path):
    from wenzheng_bridge.config import ConfigError
    from wenzheng_bridge.settings import wenzheng_settings

    for key in ("WENZHENG_UNIT_ALIASES", "WENZHENG_GAZETTEER"):
        with pytest.raises(ConfigError) as error:
            wenzheng_settings({"WENZHENG_BASE": str(tmp_path), key: {"住建局": ""}})
        assert key in str(error.value) and "非空文字" in str(error.value)
