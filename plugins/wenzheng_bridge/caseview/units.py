"""Who replied: the replying unit from the source, or read from the reply text.

Replies on these platforms name their unit in a few set phrasings: a sign-off
before the closing date ("……G4县档案局 2013年8月3日", "中共A4区委办公室2015年8月7日"),
an opening that says who acted ("A3区洋湖街道高度重视", "经B4区交警大队核实",
"泰山路街道回复：", "我们立即要求玉潭街道进行调查"), and, for letters to a
leader's mailbox, "在平台《问政西地省》栏目向胡华衡书记留言", which names the
addressee (the board), not the unit.

A found name is then made one unit's one name: variants are folded by the
alias list (WENZHENG_UNIT_ALIASES over DEFAULT_ALIASES: 住建局 -> 住房和城乡建设局,
街道办事处 -> 街道…), a section is folded into its bureau (…局政策法规科 -> …局),
and a generic name is qualified by the one place of its level the text names
(镇党委政府 + "福临镇" -> 福临镇党委政府; 县教育局 + "临G5县" -> 临G5县教育局), so
two towns' 镇党委 never merge. Measured on 300 hand-labelled real replies:
bench/RESULTS-units.md.
"""
from __future__ import annotations

import re

from ..records import Petition, Reply
from ..sources.places import DEFAULT as DEFAULT_GAZETTEER
from ..sources.places import Gazetteer

# An organisation: an optional place prefix, a short name, an organisational suffix.
_SUFFIX = (
    r"(?:委员会|管委会|办公室|办事处|人民政府|人民法院|人民检察院|党委政府|政府|"
    r"交警大队|交通警察大队|大队|支队|中队|分局|派出所|管理局|管理所|管理处|管理中心|服务中心|中心|管理部|"
    r"有限公司|集团|街道|社区|镇|乡|局|委|办|厅|院|所|站|科|股|公司|中学|小学|学校)"
)
_PLACE = r"(?:中共)?(?:西地省|临?[A-Z]\d*[市区县]|[省市区县])"
# Function words never occur inside a unit's name; excluding them stops a match
# from swallowing the sentence before it ("对您反映的问题我局").
_NAME_CHAR = r"(?:(?![我您你的了对向给将在是与及为把被从各这该此其要求已经由]|和(?!城乡))[\u4e00-\u9fa5A-Z0-9])"
ORG = rf"(?:{_PLACE}{_NAME_CHAR}{{0,12}}?|{_NAME_CHAR}{{2,12}}?){_SUFFIX}"
_LEAD = r"(?:^|(?<=[，,。：:！!；;、\s（(“\"]))"
_CN_DIGIT = "二〇○零O一二三四五六七八九十"
_DATE = (rf"(?:\d{{4}}\s*[年.\-/]\s*\d{{1,2}}\s*[月.\-/]\s*\d{{1,2}}\s*日?|[{_CN_DIGIT}]{{4}}年[{_CN_DIGIT}]{{1,3}}月"
         rf"[{_CN_DIGIT}]{{1,3}}日)")
_ACTED = r"(?:党委[、和]?政府|党委|政府)?(?:领导)?(?:高度重视|非常重视|十分重视|立即|迅速|及时|在第一时间|接到|收到|经调查|回复[:：])"

# A sign-off is the surest; otherwise the earliest of the other phrasings wins.
_SIGN_OFF = re.compile(rf"(?:^|[。！!？?\s　”\"）)])({ORG})\s*{_DATE}?\s*$")
_PATTERNS = [
    ("acted", re.compile(rf"{_LEAD}({ORG}(?:党委[、和]?政府|党委|[、和]政府)?)(?:[、和与及]{ORG})*{_ACTED}")),
    ("verified", re.compile(rf"(?:经|由)({ORG})(?:[、和与及]{ORG})*(?:调查|核实|核查|查实|现场|充分讨论|研究)")),
    ("asked", re.compile(rf"(?:立即|已|我们|我室|我办)要求({ORG})(?:[、和与及]{ORG})*(?:进行|对)")),
    ("acted", re.compile(rf"{_LEAD}({ORG}(?:党委[、和]?政府|党委)?)(?:[、和与及]{ORG})*(?:对您反映的问题|对[^，。]{{0,12}}进行了调查)")),
    ("acted", re.compile(rf"(?:如下[:：]|据查[，,]|经查[，,]|收到留言后[，,]|对于您的建议[，,])\s*({ORG})(?:[、和与及]{ORG})*"
                         rf"(?:正在|将|已经?|组织|初步|接收|受|派|对)")),
    ("acted", re.compile(rf"{_LEAD}({ORG})(?:[、和与及]{ORG})*(?:初步研究|正在编制|正在研究|已经?组织|组织人员|迅速组织|都组织|对业主|进行了摸底)")),
    # Least sure: a section of the replier's own bureau the resident may call
    # ("请致电C3县人口计生局政策法规股"); a unit merely referred to is not the replier.
    ("contact", re.compile(rf"(?:请|可|欢迎)(?:您)?(?:咨询|致电|拨打|联系)({_PLACE}{_NAME_CHAR}{{1,12}}?[局委]{_NAME_CHAR}{{1,8}}?(?:科|股|办公室))[^，。]{{0,6}}?[（(：:]?\s*(?:电话|联系电话|0\d)")),
    ("contact", re.compile(rf"(?:电话)[:：]?\s*[0-9\-—]{{7,}}\s*[（(]({_PLACE}{_NAME_CHAR}{{1,12}}?局(?:{_NAME_CHAR}{{1,8}}?(?:科|股)|办公室))[)）]")),
]
# Generic words that end like an organisation but name none.
_NOT_UNITS = re.compile(r"^(?:各级\S*|相关部门|有关部门|有关单位|相关单位|相关职能部门|我局|我办|我委|我院|我司|我镇|我区|我县|我市|我街道|"
                        r"县市|市区|各县市|当地|所在地|户籍所在地|上级|职能部门|区职能部门|县委县政府|市委市政府|"
                        r"[省市区县镇乡]|(?:中共)?[A-Z]?\d*[区县市]委|派出所|[区县市]政府|[区县市]委[、]?[区县市]政府|街道|社区|村委会|居委会|"
                        r"镇政府|乡政府|镇人民政府|乡人民政府|镇党委|乡党委|镇党委政府|乡党委政府|镇党委、政府|街道办事处|街道办|社区居委会|大队|支队|中队|学校|"
                        r"物业公司|公交公司|开发商|施工单位|公司|[^，。]{0,2}(?:部门|单位))$")
_ADDRESSEE = re.compile(r"在平台《?问政西地省》?(?:栏目|上|版块)?(?:向|给)([\u4e00-\u9fa5]{1,4}(?:书记|市长|省长|县长|区长|局长))")

#: Variants folded onto one name: a name ending with a key ends with its value
#: instead (the longest key that fits wins). WENZHENG_UNIT_ALIASES adds to these
#: and may name whole units too ("A市住建委": "A市住房和城乡建设局").
DEFAULT_ALIASES = {
    "住建局": "住房和城乡建设局", "住房城乡建设局": "住房和城乡建设局",
    "交通局": "交通运输局", "交运局": "交通运输局",
    "市政局": "市政管理局", "交通警察大队": "交警大队",
    "街道办事处": "街道", "街道办": "街道",
    "镇政府": "镇人民政府", "乡政府": "乡人民政府", "县政府": "县人民政府", "区政府": "区人民政府",
    "市政府": "市人民政府", "党委、政府": "党委政府", "镇": "镇人民政府", "乡": "乡人民政府",
}
# A section folded into its bureau: "C市人口计生委政策法规科" -> "C市人口计生委".
_SECTION = re.compile(r"(?:(?<=[局委])[\u4e00-\u9fa5]{1,8}?(?:科|股)|(?<=局)办公室)$")
# A name that begins with a bare level word needs a place of that level.
_GENERIC = re.compile(r"^(?:市|区|县|镇|乡)(?=[\u4e00-\u9fa5])")
_GLUED = re.compile(r"^(?:.*?(?:日|号|我|对|向|给|将|由|经|在)(?=" + _PLACE + ")|辖区|立即联合|联合|督促|前期|目前)")


class UnitReader:
    """Reads units from reply texts with one build's aliases and gazetteer."""

    def __init__(self, aliases: dict | None = None, gazetteer: Gazetteer | None = None):
        self.aliases = {**DEFAULT_ALIASES, **(aliases or {})}
        self._endings = sorted(self.aliases, key=len, reverse=True)
        self.gazetteer = gazetteer or DEFAULT_GAZETTEER

    def detect(self, text: str) -> tuple[str, str]:
        """(unit, how it was found) from a reply's text; ("", "") when it names none."""
        text = (text or "").strip()
        match = _SIGN_OFF.search(text)
        if match and (unit := self._usable(match.group(1), text)):
            return unit, "sign-off"
        found = []
        for how, pattern in _PATTERNS:
            for match in pattern.finditer(text):
                if (unit := self._usable(match.group(1), text)) and not _handed_on(match.group(1), text):
                    found.append((match.start(1), how, unit))
                    break
        if not found:
            return "", ""
        _, how, unit = min(found, key=lambda item: item[0])
        return unit, how

    def _usable(self, name: str, text: str) -> str:
        """The unit's one name, or "" for a pronoun, a generic name left unqualified, a partner."""
        if name.startswith(("立即联合", "联合")):  # a unit acting with the replier, not the replier
            return ""
        unit = _trim(name)
        if not unit:
            return ""
        unit = self.canonical(self.qualified(unit, text))
        return "" if _NOT_UNITS.match(unit) else unit

    def canonical(self, unit: str) -> str:
        """One unit's one name: aliases applied, a section folded into its bureau."""
        unit = _SECTION.sub("", unit) or unit
        for ending in self._endings:
            if unit.endswith(ending) and not unit.endswith(self.aliases[ending]):
                return unit[: len(unit) - len(ending)] + self.aliases[ending]
        return unit

    def qualified(self, unit: str, text: str) -> str:
        """A generic unit ("县教育局", "镇党委政府") prefixed with the one place of its level the text names."""
        generic = _GENERIC.match(unit)
        if not generic:
            return unit
        level = generic.group(0)
        names = {m.name for m in self.gazetteer.matches(text) if m.name.endswith(level) and len(m.name) > 1}
        if len(names) != 1:
            return unit
        (place,) = names
        return place + unit[1:] if not unit.startswith(place) else unit

    def replying_unit(self, petition: Petition) -> tuple[str, str]:
        """(unit, how) for the petition's first reply that names one.

        The source's own field wins ("source"), then the reply text, then the
        account that posted the reply ("account"), e.g. a 网络发言人.
        """
        for reply in petition.replies:
            if reply.unit:
                return self.canonical(reply.unit), "source"
        for reply in petition.replies:
            unit, how = self.detect(reply.text)
            if unit:
                return unit, how
        for reply in petition.replies:
            if reply.author:
                return reply.author, "account"
        return "", ""


DEFAULT_READER = UnitReader()


def detect_unit(text: str) -> tuple[str, str]:
    return DEFAULT_READER.detect(text)


def replying_unit(petition: Petition) -> tuple[str, str]:
    return DEFAULT_READER.replying_unit(petition)


def _handed_on(unit: str, text: str) -> bool:
    """The replier passed the case on to this unit ("交办给市人民医院", "向高新区河长办下发了交办函"):
    it acted, but the reply is not its own."""
    return f"交办给{unit}" in text or re.search(f"向{re.escape(unit)}下发", text) is not None


def _trim(unit: str) -> str:
    """A date or a generic pronoun glued to the name ("2019年B2区…") is not part of it."""
    return _GLUED.sub("", unit, count=1).strip()


def addressee(text: str) -> str:
    """The leader a post was addressed to, as the reply recalls it ("胡华衡书记")."""
    match = _ADDRESSEE.search(text or "")
    return match.group(1) if match else ""


def reply_addressee(replies: list[Reply]) -> str:
    for reply in replies:
        if name := addressee(reply.text):
            return name
    return ""
