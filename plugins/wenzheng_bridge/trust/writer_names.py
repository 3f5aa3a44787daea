"""Residents' names where the text itself says "this is me": 本人杨均、我叫廖博、刘平积(身份证…).

A name is masked only where the text identifies the writer (or a resident giving contact
details), never any surname-looking word: a petition names officials, shops (虾先生夜宵店)
and places (张家界) that must stay. Four cues, each needing a common surname and a clear
end of the name:

- ``intro``: 本人X / 我叫X / 我名叫X / 我的名字(叫|是)X, followed by punctuation or a word
  that ends a self-introduction (男/女, 身份证, 电话, 出生, 今年, 家住, 系, 是…);
  我是X only with the strongest ends (，男/女 ， 今年/现年 ， 电话/身份证);
- ``label``: 姓名/联系人/投诉人/反映人/举报人/留言人/申请人/户主/签名 then X;
- ``signature``: X at the start of a line or after punctuation, followed by contact
  details: a number (masked or not, also the publisher's ``****`` and ``0000``), 电话,
  手机, 身份证 (``刘平积(*****************)，手机号…``);
- ``polite``: X先生 / X女士 / X小姐 (surname plus a given name) with contact details
  within 30 characters (``王建国先生，电话…``). A bare surname (王先生) is already anonymous.

The masked form keeps the surname: 杨均 -> 杨*, 刘平积 -> 刘**, 欧阳娜娜 -> 欧阳**.
Every other occurrence of a name found this way is masked too (the signature repeats
the name the letter opened with; ``prepare_petition`` carries the names to the other
fields of the petition).
"""
from __future__ import annotations

import re
from typing import Iterator

#: Common single-character surnames (the ~250 that cover nearly every Chinese name).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪"
    "梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简"
    "车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄"
    "丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区"
    "郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
                     "司徒", "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "呼延")

_HAN = "\u4e00-\u9fa5"
_SURNAME = rf"(?:{'|'.join(COMPOUND_SURNAMES)}|[{SURNAMES}])"
# A given name: one or two Han characters that do not open a title (先生, 主任…) or a verb
# phrase commonly following 本人 (checked again in Python, see _plausible).
_NAME = rf"(?P<name>{_SURNAME}[{_HAN}]{{1,2}})"
_END = r"(?=[，,。、；;：:！!？?\s（(“”\"）)\-—]|[男女](?:[，,、\s]|$)|身份证|电话|手机|联系|出生|生于|今年|现年|家住|住在|户籍|系|是|现|$)"
_STRONG_END = r"(?=[，,\s]?(?:[男女][，,、\s]|[男女]$|今年|现年|\d{2}岁|电话|手机|身份证|联系))"
_INTRO = re.compile(rf"(?:本人|我叫|我名叫|我的名字(?:叫|是))[:：\s]?{_NAME}{_END}")
_INTRO_STRONG = re.compile(rf"我是{_NAME}{_STRONG_END}")
_LABEL = re.compile(rf"(?:姓名|联系人|投诉人|反映人|举报人|留言人|申请人|来信人|上访人|信访人|报告人|求助人|申诉人|户主|签名|落款)[:：\s]{{0,2}}{_NAME}{_END}")
_CONTACT = r"(?:[(（\[【]?\s*(?:\d{7,}|\d{0,4}\*{3,}|0000|电话|手机|联系|身份证))"
_SIGNATURE = re.compile(rf"(?:^|(?<=[\s，,。；;：:！!？?）)”\"]))\s*{_NAME}[:：,，\s]{{0,3}}{_CONTACT}")
_CONTACT_CORE = re.compile(r"\d{7,}|\*{3,}|0000|电话|手机|联系|身份证")  # where a signature's contact may be
_POLITE = re.compile(rf"{_NAME}(?:先生|女士|小姐)")
_CONTACT_NEAR = re.compile(r"\d{7,}|\*{4,}|0000|电话|手机|联系|微信|QQ|qq|身份证|邮箱")
_POLITE_LEFT = re.compile(r"(?:^|[^" + _HAN + r"]|业主|居民|市民|联系人|投诉人|反映人|网友|本人|我是|我叫|家属|村民)$")

# Second characters that make "surname + X" a title or an ordinary word, never a name.
_NOT_GIVEN = re.compile(
    r"^(?:先生|女士|小姐|同志|师傅|老师|阿姨|大爷|大妈|经理|主任|书记|局长|部长|县长|市长|所长|科长|校长|院长|队长"
    r"|总|某某?$|家[人里中]|安全|认为|觉得|希望|要求|申请|同意|多次|一直|已经|于今|也|在|和|与|及|向您|常年|曾经)"
)
CUES = ("本人", "我叫", "我名叫", "我的名字", "我是", "姓名", "联系人", "投诉人", "反映人", "举报人", "留言人", "上访人", "信访人", "报告人", "求助人", "申诉人",
        "申请人", "来信人", "户主", "签名", "落款", "先生", "女士", "小姐")


# "向张先生反映" is "to Mr Zhang": a preposition before a bare surname is no given name.
_PREPOSITIONS = "向和与跟给对请找及把被让由叫是同经"


def _preposition_then_surname(name: str) -> bool:
    return len(name) == 2 and name[0] in _PREPOSITIONS and name[1] in SURNAMES


# What any rule needs: a cue word, or contact details (the signature and polite rules).
_GATE = re.compile("|".join(CUES) + r"|电话|手机|联系|微信|QQ|qq|身份证|邮箱|\*{4}|0000|\d{7}")


def _surname_length(name: str) -> int:
    return 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1


# Last characters of roles, bodies and places (申请人, 城管局, 张家界…路), and of what a number
# is called (单号, 编号, 号码: 单 and 明 are surnames), never of a name here.
_NOT_NAME_END = set("人方部局处所院司厂店队组站科办委村镇县市区省路街楼栋号码")


# Characters of verbs and function words that names almost never hold (都不接, 查询, 本人支取, 申请).
_FUNCTION_CHARS = set("不没打是有要能可说了的也都还就才又再请询取报告让被把给对到去过着注意")


def _plausible(name: str) -> bool:
    given = name[_surname_length(name):]
    return (not _NOT_GIVEN.match(given) and name[-1] not in _NOT_NAME_END
            and not any(c in _FUNCTION_CHARS for c in given))


def masked_name(name: str) -> str:
    """杨均 -> 杨*, 欧阳娜娜 -> 欧阳**."""
    keep = _surname_length(name)
    return name[:keep] + "*" * (len(name) - keep)


def writer_names(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, name) of each name the text gives as the writer's or a contact's."""
    if not _GATE.search(text):  # most texts: one search, no cue and no contact detail
        return
    contact = _CONTACT_NEAR.search(text) is not None
    for pattern in (_INTRO, _INTRO_STRONG, _LABEL):
        for m in pattern.finditer(text):
            if _plausible(m.group("name")):
                yield m.start("name"), m.end("name"), m.group("name")
    if not contact:
        return
    # A signature ends in contact details: look for one only just before each (a pattern opening
    # with a name is tried at every character of a long letter).
    done = 0
    for c in _CONTACT_CORE.finditer(text):
        for m in _SIGNATURE.finditer(text, max(done, c.start() - 16), c.end()):
            if _plausible(m.group("name")):
                yield m.start("name"), m.end("name"), m.group("name")
        done = c.end()
    if "先生" not in text and "女士" not in text and "小姐" not in text:
        return
    for m in _POLITE.finditer(text):
        name = m.group("name")
        if (_plausible(name) and not _preposition_then_surname(name) and _POLITE_LEFT.search(text, max(0, m.start() - 3), m.start())
                and _CONTACT_NEAR.search(text, max(0, m.start() - 30), m.end() + 30)):
            yield m.start("name"), m.end("name"), name


def name_spans(text: str, known: frozenset[str] = frozenset(), look: bool = True) -> Iterator[tuple[int, int, str]]:
    """Every occurrence of a writer's name: found by a cue in ``text`` (unless not ``look``) or
    ``known`` from elsewhere."""
    names = set(known)
    if look:
        names.update(name for _, _, name in writer_names(text))
    for name in sorted(names, key=len, reverse=True):
        at = text.find(name)
        while at >= 0:
            yield at, at + len(name), name
            at = text.find(name, at + len(name))
