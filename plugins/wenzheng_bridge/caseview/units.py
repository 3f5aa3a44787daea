"""Who replied: the replying unit from the source, or read from the reply text.

Replies on these platforms name their unit in a few set phrasings: a sign-off
before the closing date ("……G4县档案局 2013年8月3日"), an opening that says
who acted ("A3区洋湖街道高度重视", "经B4区交警大队核实", "泰山路街道回复："),
and, for letters to a leader's mailbox, "在平台《问政西地省》栏目向胡华衡书记
留言", which names the addressee (the board), not the unit.
"""
from __future__ import annotations

import re

from ..records import Petition, Reply

# An organisation: an optional place prefix, a short name, an organisational suffix.
_SUFFIX = (
    r"(?:委员会|管委会|办公室|办事处|人民政府|人民法院|人民检察院|党委政府|政府|"
    r"交警大队|大队|支队|中队|分局|派出所|管理局|管理所|管理处|管理中心|服务中心|中心|"
    r"街道|社区|镇|乡|局|委|办|厅|院|所|站|科|股|公司|中学|小学|学校)"
)
_PLACE = r"(?:西地省|[A-Z]\d*[市区县]|临?[A-Z]\d+县|[省市区县])"
# Function words never occur inside a unit's name; excluding them stops a match
# from swallowing the sentence before it ("对您反映的问题我局").
_NAME_CHAR = r"(?:(?![我您你的了对向给将在是和与及为把被从各这该此其])[\u4e00-\u9fa5A-Z0-9])"
ORG = rf"(?:{_PLACE}{_NAME_CHAR}{{0,10}}?|{_NAME_CHAR}{{2,10}}?){_SUFFIX}"
_LEAD = r"(?:^|(?<=[，,。：:！!；;、\s（(“\"我]))"
_DATE = r"(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[二〇○零一二三四五六七八九十]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日|\d{4}[.\-/]\d{1,2}[.\-/]\d{1,2})"

# Most telling first: a sign-off, then who acted, then who verified.
_PATTERNS = [
    ("sign-off", re.compile(rf"(?:^|[。！!\s　])({ORG})\s*{_DATE}?\s*$")),
    ("acted", re.compile(rf"{_LEAD}({ORG})(?:[、和与及]{ORG})*(?:党委[、和]?政府|党委|政府)?(?:领导)?(?:高度重视|非常重视|十分重视|立即|迅速|及时|在第一时间|接到|收到|经调查|回复[:：]|于\d)")),
    ("verified", re.compile(rf"(?:经|由)({ORG})(?:[、和与及]{ORG})*(?:调查|核实|核查|查实|现场)")),
    # Least sure: the unit a reply sends the resident to, usually the one that answered.
    ("contact", re.compile(rf"(?:请|可|欢迎)(?:您)?(?:咨询|致电|拨打|联系)({ORG})[^，。]{{0,6}}?[（(：:]?\s*(?:电话|联系电话|0\d)")),
    ("contact", re.compile(rf"(?:电话|拨打)[:：]?\s*[0-9\-—]{{7,}}\s*[（(]({ORG})[)）]")),
]
# Generic words that end like an organisation but name none.
_NOT_UNITS = re.compile(r"^(?:各级\S*|相关部门|有关部门|有关单位|相关单位|我局|我办|我委|我院|我司|我镇|我区|我县|我市|我街道|"
                        r"县市|市区|各县市|当地|所在地|户籍所在地|上级|职能部门|区职能部门)$")
_ADDRESSEE = re.compile(r"在平台《?问政西地省》?(?:栏目|上|版块)?(?:向|给)([\u4e00-\u9fa5]{1,4}(?:书记|市长|省长|县长|区长|局长))")


def detect_unit(text: str) -> tuple[str, str]:
    """(unit, how it was found) from a reply's text; ("", "") when it names none."""
    text = (text or "").strip()
    for how, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            unit = _trim(match.group(1))
            if unit and not _NOT_UNITS.match(unit):
                return unit, how
    return "", ""


# A date or a generic pronoun glued to the name ("2019年B2区…") is not part of it.
_GLUED = re.compile(r"^.*?(?:日|号|我|对|向|给|将|由|经|在)(?=" + _PLACE + ")")


def _trim(unit: str) -> str:
    return _GLUED.sub("", unit, count=1).strip()


def addressee(text: str) -> str:
    """The leader a post was addressed to, as the reply recalls it ("胡华衡书记")."""
    match = _ADDRESSEE.search(text or "")
    return match.group(1) if match else ""


def replying_unit(petition: Petition) -> tuple[str, str]:
    """(unit, how) for the petition's first reply that names one.

    The source's own field wins ("source"), then the reply text, then the
    account that posted the reply ("account"), e.g. a 网络发言人.
    """
    for reply in petition.replies:
        if reply.unit:
            return reply.unit, "source"
    for reply in petition.replies:
        unit, how = detect_unit(reply.text)
        if unit:
            return unit, how
    for reply in petition.replies:
        if reply.author:
            return reply.author, "account"
    return "", ""


def reply_addressee(replies: list[Reply]) -> str:
    for reply in replies:
        if name := addressee(reply.text):
            return name
    return ""
