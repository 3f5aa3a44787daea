"""The accusation rule: a petition that accuses a named person is held for review.

A 举报 is gated by its type; but when the source gave no type, the type was
inferred from keywords (举报/检举/揭发), and an accusation written without them
("住建局副局长利用职务之便破坏投标程序") would pass as a 诉求. This rule
holds such a case as 待审 until an editor clears it: the text names a person
with a post (a surname next to 局长/书记/村支书…, or a post next to a name,
or a post of a named unit such as 国土所所长) and, close to it, wrongdoing
(贪污、受贿、打人、滥用职权…). A salutation to the leader the letter is
addressed to ("尊敬的杨书记：") is not an accused person.

The rule prefers holding when unsure: its figures on 217 real petitions read
and labelled by hand are in bench/RESULTS-hold-rule.md (bench/hold_rule.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..records import Petition
from ..sources.common import infer_type

#: Posts whose holder can be identified from the post and a name or unit.
POSTS = ("副局长|局长|副处长|处长|副科长|科长|股长|副主任|主任|副书记|书记|村支书|支书|副所长|所长|"
         "副镇长|镇长|副乡长|乡长|副县长|县长|副区长|区长|副市长|市长|副院长|院长|副校长|校长|站长|"
         "大队长|中队长|副队长|队长|总经理|副总经理|经理|董事长|村长|组长|行长|厅长|部长|会计|出纳|"
         "民警|警官|导游|法人代表|专职司机|司机")
#: Wrongdoing: crimes, corruption, violence, abuse of office.
WRONGDOING = ("贪污|受贿|索贿|行贿|违纪|违法|打人|殴打|暴力|挪用|侵占|侵吞|克扣|骗取|套取|虚报|冒领|敲诈|"
              "勒索|滥用职权|利用职务之便|以权谋私|徇私|包庇|纵容|吃拿卡要|私分|贪腐|腐败|保护伞|欺压|威胁|"
              "恐吓|公款私用|打击报复|黑恶|涉黑|霸占|强占|索要|好处费|回扣|吃空饷|渎职|作假|做假|伪证|乱收|"
              "非法|勾结|横行|行凶|拖欠")
#: Words that name a private person only when a name follows (村民黄涛跃, not 周边村民).
PEOPLE = "村民|业主|老板|股东|保安|司机"
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
             "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
             "邵万钱严覃武戴莫孔向汤殷邝涂易晏文")
_GIVEN = r"(?:某某|某|[XＸx×*＊]{1,3}|[\u4e00-\u9fa5]{1,2})"
_NAME = rf"(?:[{_SURNAMES}]{_GIVEN}?|[阿小老][\u4e00-\u9fa5]|某)"
#: A unit a post can belong to: 国土所所长, 民政办主任, 住建局副局长, 楠香村村支书.
_UNIT = r"[\u4e00-\u9fa5A-Z0-9]{0,12}?(?:局|所|办|站|院|校|学校|村|组|社区|居委会|街道|镇|乡|中心|公司|队|行|厂|集团)的?"
_PERSON = re.compile(
    rf"(?P<before>{_NAME})(?P<post>{POSTS})"  # 蒋局长, 王仁用副局长, 李某副主任
    rf"|(?P<post2>{POSTS}|{PEOPLE})(?P<after>{_NAME})"  # 村支书邝米生, 组长殷义新, 村民蒋民爱
    rf"|(?P<unit>{_UNIT})(?P<post3>{POSTS})(?P<named>{_NAME})?"  # 丁字国土所所长, 社区主任刘春迎
)
_WRONG = re.compile(WRONGDOING)
#: Wrongdoing this far (characters) from the person, either side, is about them.
WINDOW = 80
#: The letter's addressee: 尊敬的杨书记, 杨县长：, 请方书记…
_SALUTE_BEFORE = re.compile(r"(?:尊敬的|敬爱的|亲爱的|请|请求|望|恳请|希望|感谢|祝|致|麻烦)\s*$")
_SALUTE_AFTER = re.compile(r"^\s*(?:[：:]|您好|你好|大人)")
#: ... or opens a line: "F市委刘书记，关于…".
_OPENING = re.compile(r"(?:^|\n)[^\n]{0,8}$")


@dataclass(frozen=True)
class Accusation:
    """Why a case is held: the person as written and the wrongdoing near them."""

    person: str
    wrongdoing: str

    def describe(self) -> str:
        return f"“{self.person}”与“{self.wrongdoing}”"


def _is_salutation(text: str, start: int, end: int) -> bool:
    if _SALUTE_BEFORE.search(text[max(0, start - 4):start]) or _SALUTE_AFTER.match(text[end:end + 3]):
        return True
    return bool(_OPENING.search(text[max(0, start - 9):start]) and text[end:end + 1] in "，,！!")


def _persons(text: str):
    for match in _PERSON.finditer(text):
        if not _is_salutation(text, *match.span()):
            yield match


def find_accusation(text: str, title: str = "") -> Accusation | None:
    """The first person (named, or by post and unit) with wrongdoing close by, or None.

    ``title``: when the title itself alleges wrongdoing, any person named by
    name anywhere in the text is taken as the accused (the letter's body often
    names them far from the title's word).
    """
    text = text or ""
    titled = _WRONG.search(title or "")
    for match in _persons(text):
        start, end = match.span()
        wrong = _WRONG.search(text[max(0, start - WINDOW):end + WINDOW])
        # The unit part can run long ("劝解连续几天三次联系高滋村书记"): its end names the person.
        person = match.group(0)[-10:]
        if wrong:
            return Accusation(person, wrong.group(0))
        if titled and (match.group("before") or match.group("after") or match.group("named")):
            return Accusation(person, titled.group(0))
    return None


def type_inferred(petition: Petition) -> bool:
    """Whether the case's type came from the inference rule rather than the source.

    Adapters mark an inferred type in ``extra["inferred"]["type"]``. A petition
    stored before they did carries no mark: then a type that differs from what
    the rule infers was certainly given, and one that equals it may have been
    inferred; when unsure, it is treated as inferred (the case is then checked).
    """
    marks = petition.extra.get("inferred") if isinstance(petition.extra, dict) else None
    if isinstance(marks, dict) and marks:
        return "type" in marks
    return petition.type == infer_type(petition.title, petition.body)


def accusation_hold(petition: Petition) -> Accusation | None:
    """The accusation that holds this case, when its type was inferred; None otherwise."""
    if not type_inferred(petition):
        return None
    return find_accusation(f"{petition.title}\n{petition.body}", petition.title)
