"""Masking personal data in petition text, keeping it readable (138****5678, 杨*).

Each kind of personal data has a detector that yields ``Finding`` spans; the
detectors run in priority order and a later one never takes characters an
earlier one already claimed (an e-mail's local part may be a phone number, a
bank card holds many 11-digit runs). Detection runs on a copy of the text with
full-width digits and letters folded to ASCII, so "１３８…" is caught too while
positions stay those of the original text.

Numbers are read as *chains*: digit groups joined by spaces, dots, dashes or a line
break (``1387745⏎2191``, ``1590774 5569``, ``138.7310.2233``). A mobile, 身份证 or bank
card is a run of whole groups of a chain with the right digit count, so a group is
never cut in two (``1301 1302 1303`` is three room numbers, not a phone).

Kinds and the rule that keeps look-alikes out (tests/data/masking_corpus.tsv, and the
held-out set tests/data/masking_heldout.tsv scored by bench/masking_heldout.py):

- ``mobile``: 1[3-9] and 11 digits in at most 4 groups of 2+ digits (any size next to a
  line break), optionally +86 (also written against it: +8613907452281).
- ``landline``: a real area code (010, 02x, 03xx-09xx) then 7-8 digits, written
  0731-88886666, 0731—88886666, 0731 88886666, (0731)88886666 or 0731-8888-6666; without a
  separator only right after a word such as 电话 or 拨打.
- ``id_card``: 18 characters in any grouping (last may be X) with a valid province code, a
  real birth date and the ISO 7064 checksum; 15-digit old numbers need the province code, a
  real date and 身份证/证件 within a few characters before them.
- ``bank_card``: 16-19 digits (one run, or groups of 4 with a shorter tail, or 6 + the rest)
  passing Luhn, starting as card numbers do (3, 4, 5, 6, 9).
- ``wechat``: ``wxid_…``, or an id (a letter, then 5-19 letters, digits, _ or -) after
  微信/微信号/V信/vx/wx…; a phone given as the WeChat id is found as a mobile.
- ``qq``: 5-11 digits after QQ/qq号/扣扣 (QQ群 numbers are groups, not people: kept).
- ``plate``: province abbreviation, city letter, then 5 (ordinary) or 6 (new-energy)
  characters with at least three digits, or a 学/警/挂 plate.
- ``email``: local@domain.tld.
- ``name``: a resident's name where the text identifies the writer (see writer_names.py).
- ``address``: the part of an address that reaches a door. Decision: the 小区 name, the
  street number (…路128号) and the building (5栋) stay, because they name a compound, a shop,
  a school or an office that petitions are about and a building alone does not locate a
  household; the unit (单元), floor after a building, room (301室, 706房, 402号房), the
  dashed 5-2-301 form and rural house numbers (…村3组15号) are masked, except a unit named
  as a shared place (3号楼5单元门口, 2单元楼道).

What stays, whatever it looks like:

- a number named as something else: 快递单号, 运单号, 物流单号, 订单号, 流水号, 工单号, 发票号,
  合同号… right before it (a parcel number may pass Luhn; one random number in ten does).
  Not a 身份证: province, birth date and check character together pass one number in
  hundreds, and a 身份证 is the worst leak;
- a quantity: a number followed by a unit (5000余户, 105m2, 13800000000元, 356亩);
- public numbers: ``Options.public_numbers`` (the setting WENZHENG_PUBLIC_NUMBERS), compared
  digit by digit, anywhere;
- a department's contact in its own reply (``Options.reply``): a landline that the reply
  introduces as a contact (电话, 致电, 拨打, 热线, 咨询, 联系… or the office's name, within
  the 16 characters before it, in the same sentence) with no word pointing at a person
  there (您的, 您提供的, 留下的, 本人, 手机, 先生, 网友…). Mobiles in replies are always masked: a department gives its
  office line, an official's mobile is his own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Callable, Iterator

from .writer_names import CUES as NAME_CUES
from .writer_names import masked_name, name_spans, writer_names

KINDS = ("email", "id_card", "bank_card", "wechat", "qq", "mobile", "landline", "plate", "name", "address")

#: Chinese labels of the kinds, for newsroom-facing messages.
KIND_LABELS = {
    "email": "电子邮箱", "id_card": "身份证号", "bank_card": "银行卡号", "wechat": "微信号", "qq": "QQ号",
    "mobile": "手机号", "landline": "固定电话", "plate": "车牌号", "name": "姓名", "address": "门牌/房号",
}

# Full-width digits and letters (what IMEs type) fold to ASCII one for one.
_FOLD = str.maketrans(
    {chr(0xFF10 + i): chr(0x30 + i) for i in range(10)}
    | {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
    | {chr(0xFF41 + i): chr(0x61 + i) for i in range(26)}
    | {"\uff0d": "-", "\uff08": "(", "\uff09": ")", "\u3000": " "}
)
_FOLDABLE = re.compile("[\uff08\uff09\uff0d\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000]")


def _fold(text: str) -> str:
    """``text`` with full-width forms folded. str.translate with this table costs ~80 ns a
    character; replacing only the matches ~12 ns (measured on the bench's petitions, where
    （）and the ideographic space are common but full-width digits rare)."""
    return _FOLDABLE.sub(lambda m: _FOLD_CHARS[m.group()], text)


_FOLD_CHARS = {chr(code): value for code, value in _FOLD.items()}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    masked: str  # what replaces text[start:end]


@dataclass(frozen=True)
class Options:
    """What the caller knows about the text: numbers that are public, whether it is a reply."""

    public_numbers: frozenset[str] = frozenset()  # digits only
    reply: bool = False  # a department's reply: the contact it gives stays
    names: frozenset[str] = frozenset()  # writers' names found in other fields of the petition
    carry_names: bool = True  # mask every occurrence of a name found by a cue, not just that one
    find_names: bool = True  # look for cues here (False: the caller found this text's names already)


DEFAULT = Options()


def public_numbers(numbers) -> frozenset[str]:
    """Digits of each number of a WENZHENG_PUBLIC_NUMBERS list ("0746-8362789" -> "07468362789")."""
    return frozenset(d for d in (_digits(str(n)) for n in numbers or ()) if d)


def _keep(value: str, head: int, tail: int) -> str:
    """Mask the alphanumerics of ``value`` except the first ``head`` and last ``tail``; keep separators."""
    positions = [i for i, c in enumerate(value) if c.isascii() and c.isalnum()]
    hidden = set(positions[head:len(positions) - tail if tail else None])
    return "".join("*" if i in hidden else c for i, c in enumerate(value))


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


# --- chains of digit groups -------------------------------------------------------------------

#: What may stand between two groups of one number: up to two spaces, dots or dashes, or a
#: line break (with a space or tab either side). Shared with the output scan's prefilter.
SEPARATOR = r"(?:[ \t]?\r?\n[ \t]?|[-—–. \t]{1,2})"
_CHAIN = re.compile(rf"\d+(?:{SEPARATOR}\d+)*[Xx]?")
_GROUP = re.compile(r"\d+")


@dataclass(frozen=True)
class _Run:
    """Whole groups ``first``..``last`` of a chain: the candidate number they spell."""

    start: int
    end: int
    groups: tuple[str, ...]
    separators: tuple[str, ...]  # what stands between group i and i+1

    @property
    def value(self) -> str:
        return "".join(self.groups)

    @property
    def breaks(self) -> tuple[bool, ...]:
        """Whether a line break stands between group i and i+1."""
        return tuple("\n" in separator for separator in self.separators)

    @property
    def uniform(self) -> bool:
        """Dots alone or no dots (line breaks aside): "144.57766 194" is two decimals, not a phone."""
        return len({"." in separator for separator in self.separators if "\n" not in separator}) <= 1

    @property
    def dense(self) -> bool:
        """A group of 7+, or a group of 3+ next to one of 4+: what ``_LONG_NUMBER`` looks for."""
        sizes = [len(g) for g in self.groups]
        return max(sizes) >= 7 or any(min(a, b) >= 3 and max(a, b) >= 4 for a, b in zip(sizes, sizes[1:]))


def _runs(chain: list[tuple[int, int, str]], separators: list[str], length: int) -> Iterator[_Run]:
    """Every run of whole groups of ``chain`` that holds exactly ``length`` characters, of one
    kind of separator."""
    for first in range(len(chain)):
        total = 0
        for last in range(first, len(chain)):
            total += len(chain[last][2])
            if total >= length:
                run = _Run(chain[first][0], chain[last][1], tuple(g for _, _, g in chain[first:last + 1]),
                           tuple(separators[first:last]))
                if total == length and run.uniform:
                    yield run
                break


class _Doc:
    """One text as the detectors see it: folded, with its options and (lazily) its chains."""

    def __init__(self, text: str, options: Options):
        self.text = text
        self.options = options

    @cached_property
    def chains(self) -> list[tuple[list[tuple[int, int, str]], list[str], bool]]:
        """Each chain as its digit groups (start, end, digits), the separators between them, and
        whether an X closes the chain (the check character of a 身份证)."""
        chains = []
        for m in _CHAIN.finditer(self.text):
            if len(m.group()) < 11:  # a year, an amount: no run of any kind fits (11 digits at least)
                continue
            groups = [(m.start() + g.start(), m.start() + g.end(), g.group()) for g in _GROUP.finditer(m.group())]
            separators = [self.text[a[1]:b[0]] for a, b in zip(groups, groups[1:])]
            chains.append((groups, separators, m.group()[-1] in "Xx"))
        return chains

    def runs(self, length: int, check_x: bool = False) -> Iterator[_Run]:
        """Runs of ``length`` characters; with ``check_x`` a closing X counts as the last one."""
        for groups, separators, x in self.chains:
            if sum(len(g) for _, _, g in groups) + x < length:  # most chains: a year, an amount
                continue
            yield from _runs(groups, separators, length)
            if check_x and x:  # 18 digits then an X (…008X13…) are still 18 digits
                start, end, digits = groups[-1]
                yield from _runs(groups[:-1] + [(start, end + 1, digits + self.text[end])], separators, length)


# What a number may be named as instead of personal data, right before it.
_NAMED_AS = re.compile(
    r"(?:快递单?号|快递单号码|运单号|运单编号|物流单?号|邮件号|挂号信号|包裹号|订单号|订单编号|交易单号|流水号|交易号"
    r"|工单号|工单编号|受理号|回执号|发票号码?|票号|合同号|合同编号|批号|批次号|保单号|案号|条形码|条码|单号)"
    r"(?:码|是|为|：|:|\s|#|№){0,4}$"
)
# A unit right after a number makes it a quantity (5000余户, 105m2, 356亩, 8.6万元).
_QUANTITY = re.compile(r"\s?(?:[余多元万亿千百户人套间亩吨次个名件台辆块平米㎡%‰天岁]|m2|m²|M2|平方|公里|公斤|kg|KG)")


def _named_or_counted(text: str, start: int, end: int) -> bool:
    return bool(_NAMED_AS.search(text, max(0, start - 12), start) or _QUANTITY.match(text, end))


def _public(doc: _Doc, number: str) -> bool:
    return _digits(number) in doc.options.public_numbers


# --- mobile -----------------------------------------------------------------

_MOBILE_START = re.compile(r"1[3-9]")
_COUNTRY = re.compile(r"\+?86[-. ]?$")


def _mobile_grouping(run: _Run) -> bool:
    """At most 4 groups of 2+ digits; a group next to a line break may be any size."""
    if len(run.groups) > 4 or not run.dense:
        return False
    for i, group in enumerate(run.groups):
        wrapped = (i and run.breaks[i - 1]) or (i < len(run.breaks) and run.breaks[i])
        if len(group) < 2 and not wrapped:
            return False
    return True


# +86 written against the number (+8613907452281, 008613907452281): one group of 13 or 15 digits.
_GLUED_COUNTRY = re.compile(r"(?:\+86|0086)(?=1[3-9]\d{9}(?!\d))")


def _mobile(doc: _Doc) -> Iterator[Finding]:
    text = doc.text
    for m in _GLUED_COUNTRY.finditer(text):
        number = text[m.end():m.end() + 11]
        if not (m.start() and text[m.start() - 1].isdigit()) and not _public(doc, number):
            yield Finding("mobile", m.start(), m.end() + 11, m.group() + _keep(number, 3, 4))
    for run in doc.runs(11):
        value = run.value
        if not (_MOBILE_START.match(value) and value.isdigit() and _mobile_grouping(run)):
            continue
        start = run.start
        prefix = _COUNTRY.search(text, max(0, start - 4), start)
        if prefix and not (prefix.start() and text[prefix.start() - 1].isdigit()):  # not …5886-
            start = prefix.start()
        if start and (text[start - 1].isdigit() or text[start - 1] == "+"):
            continue
        if _named_or_counted(text, start, run.end) or _public(doc, value):
            continue
        yield Finding("mobile", start, run.end, text[start:run.start] + _keep(text[run.start:run.end], 3, 4))


# --- landline ---------------------------------------------------------------

_AREA = r"(?:010|02\d|0[3-9]\d{2})"
_DASH = "-—–"  # hyphen, em dash, en dash (full-width ones are folded to "-")
_LOCAL = rf"[2-9]\d{{2,3}}[{_DASH} ]?\d{{4}}"
_LANDLINE = re.compile(
    rf"(?<!\d)(?:(?P<paren>[(（]{_AREA}[)）])\s?|(?P<area>{_AREA})\s?[{_DASH} ]{{1,2}}\s?)(?P<local>{_LOCAL})(?![\d-])"
)
_LANDLINE_BARE = re.compile(
    rf"(?:电话|座机|热线|致电|拨打|联系方式|tel|TEL|Tel)[:：\s]{{0,2}}(?P<number>{_AREA}[2-9]\d{{6,7}})(?!\d)"
)
# A department's reply presenting its own line: a contact word shortly before the number ...
# (or the office's name right before it: 教育局基础教育股（0738-6835751）).
_CONTACT_WORD = re.compile(r"电话|致电|拨打|热线|来电|咨询|询|联系|举报|投诉|监督|查询|(?:局|股|办|科|中心|所|站|委|院|队|处|窗口|大厅|政府|街道)[(（:：]?$")
# ... and nothing between that word and the number pointing at a person.
_PERSON_WORD = re.compile(r"您的|你的|您留|你留|您提供|你提供|提供的|留下的|所留|本人|我的|我家|其本人|手机|先生|女士|小姐|网友|来信人"
                          r"|留言人|当事人|住户|家属|师傅")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def office_contact(text: str, start: int) -> bool:
    """Whether the reply presents the number at ``start`` as an office's contact (see the module doc)."""
    before = text[max(0, start - 16):start]
    before = _SENTENCE_END.split(before)[-1]
    return _CONTACT_WORD.search(before) is not None and not _PERSON_WORD.search(before)


def _landline(doc: _Doc) -> Iterator[Finding]:
    text = doc.text
    for m in _LANDLINE.finditer(text):
        local = m.group("local")
        if len(_digits(local)) not in (7, 8) or _named_or_counted(text, m.start(), m.end()):
            continue
        if _public(doc, m.group(0)) or (doc.options.reply and office_contact(text, m.start())):
            continue
        yield Finding("landline", m.start("local"), m.end(), _keep(local, 0, 4))
    for m in _LANDLINE_BARE.finditer(text):
        number = m.group("number")
        if _public(doc, number) or (doc.options.reply and office_contact(text, m.start("number"))):
            continue
        area = 3 if number.startswith(("010", "02")) else 4
        yield Finding("landline", m.start("number") + area, m.end(), _keep(number[area:], 0, 4))


# --- 身份证 -------------------------------------------------------------------

_PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
              50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
_ID15 = re.compile(r"(?:身份证|证件|身份号)[^\d]{0,8}(?P<number>(?<!\d)[1-9]\d{14})(?!\d)")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_checksum_ok(number: str) -> bool:
    """The ISO 7064 MOD 11-2 check character of an 18-digit 身份证 number."""
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return "10X98765432"[total % 11] == number[17].upper()


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return 1900 <= year <= date.today().year


def is_id_card(number: str) -> bool:
    if not number[:-1].isdigit() or int(number[:2]) not in _PROVINCES:
        return False
    if len(number) == 15:
        return _real_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    return (len(number) == 18 and _real_date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            and id_checksum_ok(number))


def _id_card(doc: _Doc) -> Iterator[Finding]:
    text = doc.text
    for run in doc.runs(18, check_x=True):
        value = run.value
        if len(run.groups) <= 6 and run.dense and is_id_card(value):  # named or not: 1 in ~300 random numbers passes
            yield Finding("id_card", run.start, run.end, _keep(text[run.start:run.end], 3, 4))
    for m in _ID15.finditer(text):
        if is_id_card(m.group("number")):
            yield Finding("id_card", m.start("number"), m.end("number"), _keep(m.group("number"), 3, 3))


# --- bank cards ---------------------------------------------------------------

def luhn_ok(number: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(number)):
        n = int(d)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _card_grouping(groups: tuple[str, ...]) -> bool:
    """One run; groups of 4 with a tail of 1-7; or 6 then the rest (as banks print them)."""
    if len(groups) == 1:
        return True
    if all(len(g) == 4 for g in groups[:-1]):
        return 1 <= len(groups[-1]) <= 7
    return len(groups) == 2 and len(groups[0]) == 6


def _bank_card(doc: _Doc) -> Iterator[Finding]:
    text = doc.text
    for length in (19, 18, 17, 16):
        for run in doc.runs(length):
            number = run.value
            if (number[0] in "34569" and number.isdigit() and _card_grouping(run.groups) and luhn_ok(number)
                    and text[run.start - 1:run.start] != "-" and text[run.end:run.end + 1] != "-"
                    and not _named_or_counted(text, run.start, run.end)):
                yield Finding("bank_card", run.start, run.end, _keep(text[run.start:run.end], 4, 4))


# --- WeChat and QQ -----------------------------------------------------------------

_WECHAT_ID = r"[A-Za-z][-_A-Za-z0-9]{5,19}(?![-_A-Za-z0-9@.])"
_WECHAT = re.compile(
    rf"(?:(?:微信|威信|薇信|[Vv]信)(?:号码?|账号|id|ID)?(?:是|为)?[:：\s]{{0,2}}"
    rf"|(?<![A-Za-z])(?:[VvWw][Xx]|weixin|WeChat|wechat|WECHAT)(?:号|id|ID)?\s?[:：]\s?)(?P<id>{_WECHAT_ID})"
    r"|(?<![A-Za-z0-9])(?P<wxid>wxid_[A-Za-z0-9_-]{4,30})"
)
WECHAT_CUES = ("微信", "威信", "薇信", "V信", "v信", "vx", "wx", "weixin", "wechat")  # matched case-insensitively


def _wechat(doc: _Doc) -> Iterator[Finding]:
    for m in _WECHAT.finditer(doc.text):
        group = "wxid" if m.group("wxid") else "id"
        value = m.group(group)
        masked = "wxid_" + _keep(value[5:], 0, 2) if value.startswith("wxid_") else _keep(value, 1, 2)
        yield Finding("wechat", m.start(group), m.end(group), masked)


_QQ = re.compile(r"(?:QQ|qq|Qq|扣扣)(?!群)(?:号码?|账号)?(?:[/、]微信号?)?(?:是|为)?[:：\s]{0,3}(?P<number>[1-9]\d{4,10})(?!\d)")
QQ_CUES = ("qq", "扣扣")


def _qq(doc: _Doc) -> Iterator[Finding]:
    for m in _QQ.finditer(doc.text):
        number = m.group("number")
        if not _named_or_counted(doc.text, m.start("number"), m.end("number")) and not _public(doc, number):
            yield Finding("qq", m.start("number"), m.end("number"), _keep(number, 2, 2))


# --- names ------------------------------------------------------------------------

def _name(doc: _Doc) -> Iterator[Finding]:
    options = doc.options
    if not options.find_names:
        spans = name_spans(doc.text, options.names, look=False)
    else:
        spans = name_spans(doc.text, options.names) if options.carry_names else writer_names(doc.text)
    for start, end, name in spans:
        yield Finding("name", start, end, masked_name(name))


def writer_names_in(text: str) -> frozenset[str]:
    """Names a text gives as its writer's, for masking them in the petition's other fields."""
    return frozenset(name for _, _, name in name_spans(_fold(text or "")))


# --- licence plates -----------------------------------------------------------

PROVINCE_ABBREVIATIONS = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
#: Extra "province" characters: the sample data anonymised 湘 as 楚 (e.g. 楚DD1788).
EXTRA_PLATE_PREFIXES = "楚"
_PLATE_CHARS = "A-HJ-NP-Za-hj-np-z0-9"
_PLATE = re.compile(
    rf"(?P<head>[{PROVINCE_ABBREVIATIONS}{EXTRA_PLATE_PREFIXES}] ?[A-HJ-NP-Za-hj-np-z])(?P<sep>[·•・.\s-]?)"
    rf"(?P<tail>[{_PLATE_CHARS}]{{6}}|[{_PLATE_CHARS}]{{5}}|[{_PLATE_CHARS}]{{4}}[学警挂])(?![A-Za-z0-9])"
)


def _plate(doc: _Doc) -> Iterator[Finding]:
    for m in _PLATE.finditer(doc.text):
        tail = m.group("tail")
        if sum(c.isdigit() for c in tail) < 3:
            continue
        masked = "*" * (len(tail) - 1) + tail[-1]
        yield Finding("plate", m.start(), m.end(), m.group("head") + m.group("sep") + masked)


# --- e-mail -----------------------------------------------------------------

_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")


def _email(doc: _Doc) -> Iterator[Finding]:
    for m in _EMAIL.finditer(doc.text):
        local = m.group(1)
        yield Finding("email", m.start(), m.end(), f"{local[0]}***@{m.group(2)}")


# --- door-level address parts -----------------------------------------------------

_CN_NUM = "一二三四五六七八九十"
_BUILDING = rf"(?:\d{{1,3}}|[A-Za-z]|[{_CN_NUM}]{{1,3}})(?:栋|幢|座|号楼|号栋)"
_UNIT = rf"(?:\d{{1,2}}|[{_CN_NUM}]{{1,3}})单元"
# "12栋7层住房" is twelve seven-storey buildings: a floor counts after a unit, or as 楼 after a building.
_FLOOR_PART = rf"{_UNIT}(?:\d{{1,2}}[楼层])?|\d{{1,2}}楼"
# A room number is no count, size or price: "68栋5000余户", "3栋105m2", "5栋120平".
_NOT_AFTER_ROOM = r"(?![\d*年月日余多户人套间元万米个名亩平㎡mM%.．])"
_ROOM = rf"\d{{3,4}}(?:室|房|号房|号)?{_NOT_AFTER_ROOM}|\d{{1,2}}(?:室|号房)"
# As for phones, lookbehinds are checked in Python (a pattern opening with one is slow):
# digits next to "*" belong to a number already masked (130****0000), never a door number,
# which keeps masking idempotent.
_DOOR = re.compile(rf"(?P<building>{_BUILDING})(?P<rest>(?:{_FLOOR_PART})?(?:{_ROOM})?)(?![\d*])")
_DOOR_HINT = re.compile("[栋幢座]|号楼")
_ROOM_ALONE = re.compile(r"\d{3,4}(?:室|号房)|\d{3,4}房(?![东子屋产价租源间型])")
# A unit named for its entrance or stairwell (3号楼5单元门口的路灯) is a shared place, not a home.
_SHARED_SPACE = re.compile(r"(?<=单元)(?:门口|门前|楼道|大门|入口|楼梯间)")
_NOT_BEFORE_DOOR = set("0123456789*")
_NOT_BEFORE_ROOM = _NOT_BEFORE_DOOR | set("栋幢座楼元层-")
_DASHED = re.compile(r"(?P<building>\d{1,3}-)(?P<rest>\d{1,2}-\d{3,4})(?![\d*-])")
_RURAL = re.compile(r"(?P<building>村(?:\d{1,2}|[一二三四五六七八九十]{1,3})组)(?P<rest>\d{1,4}号)")


def _hide_numbers(value: str) -> str:
    """Digits and Chinese numerals become *; the words (单元, 室) stay so the text still reads."""
    return re.sub(rf"[\d{_CN_NUM}]", "*", value)


def _before(text: str, index: int) -> str:
    return text[index - 1] if index else ""


def _address(doc: _Doc) -> Iterator[Finding]:
    # Each pattern runs only if the text holds a word or sign it cannot match without: most
    # petitions name no 村, 栋, 室 or 房, and a pass of a pattern opening with \d is slow.
    text = doc.text
    candidates = list(_RURAL.finditer(text)) if "村" in text else []
    if _DOOR_HINT.search(text):
        candidates += [m for m in _DOOR.finditer(text) if _before(text, m.start()) not in _NOT_BEFORE_DOOR]
    if "-" in text:
        candidates += [m for m in _DASHED.finditer(text) if "\u4e00" <= _before(text, m.start()) <= "\u9fa5"]
    for m in candidates:
        rest = m.group("rest")
        if rest and not _SHARED_SPACE.match(text, m.end()):  # a building alone does not reach a door
            yield Finding("address", m.start(), m.end(), m.group("building") + _hide_numbers(rest))
    if "室" in text or "房" in text:
        for m in _ROOM_ALONE.finditer(text):
            if _before(text, m.start()) not in _NOT_BEFORE_ROOM:
                yield Finding("address", m.start(), m.end(), _hide_numbers(m.group(0)))


DETECTORS: dict[str, Callable[[_Doc], Iterator[Finding]]] = {
    "email": _email,
    "id_card": _id_card,
    "bank_card": _bank_card,
    "wechat": _wechat,
    "qq": _qq,
    "mobile": _mobile,
    "landline": _landline,
    "plate": _plate,
    "name": _name,
    "address": _address,
}


# Prefilter: what a text must hold for a kind to be found in it, checked once per text.
# Every phone, 身份证, bank card and landline the detectors match holds a group of 3+ digits
# next to one of 4+ digits (138 1234…, landline local 888 6666, card 6222 0212…, 身份证
# …19850312…); a date (2019年3月), an amount or a hotline (12345)
# does not (``_Run.dense``: a number spelled otherwise is not taken). So most petitions skip four detectors, and e-mail is looked for only where there is an "@".
_LONG_NUMBER = re.compile(rf"\d{{3}}{SEPARATOR}?\d{{4}}|\d{{4}}{SEPARATOR}?\d{{3}}")
_NUMBER_KINDS = frozenset({"id_card", "bank_card", "mobile", "landline"})
_SOCIAL = re.compile("|".join(WECHAT_CUES + QQ_CUES), re.IGNORECASE)
_ALWAYS = frozenset({"plate", "address", "name"})  # gated inside their detectors, or cheap


def _possible_kinds(text: str, kinds=KINDS) -> frozenset[str]:
    """Which of ``kinds`` the detectors could find in ``text`` (a superset: never drops a finding)."""
    possible = _ALWAYS
    if "email" in kinds and "@" in text:
        possible |= {"email"}
    if not _NUMBER_KINDS.isdisjoint(kinds) and _LONG_NUMBER.search(text):
        possible |= _NUMBER_KINDS
    if "wechat" in kinds or "qq" in kinds:
        for m in _SOCIAL.finditer(text):
            possible |= {"qq"} if m.group().lower() in QQ_CUES else {"wechat"}
    return possible


# Something every detector needs, one of: an ASCII or full-width letter or digit (numbers,
# e-mail, ids, plates, door numbers), a word that names a writer or gives contact details, a
# word of a door-level address. Short fields (board, department, state) mostly have none.
_ANYTHING = re.compile("[0-9A-Za-z@*\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]|"
                       + "|".join(NAME_CUES) + "|电话|手机|联系|身份证|单元|栋|幢|座|号楼|村|室|房")


def find(text: str, kinds: tuple[str, ...] | list[str] = KINDS, options: Options = DEFAULT) -> list[Finding]:
    """Personal data in ``text``, ordered by position; earlier kinds win overlaps."""
    if not text or not (options.names or _ANYTHING.search(text)):
        return []
    doc = _Doc(_fold(text), options)
    possible = _possible_kinds(doc.text, kinds)
    taken: list[Finding] = []
    for kind in KINDS:
        if kind not in kinds or kind not in possible:
            continue
        for finding in DETECTORS[kind](doc):
            if not any(finding.start < t.end and t.start < finding.end for t in taken):
                taken.append(finding)
    return sorted(taken, key=lambda f: f.start)


def mask(text: str, kinds: tuple[str, ...] | list[str] = KINDS, options: Options = DEFAULT) -> str:
    """Return ``text`` with personal data masked, keeping it readable (138****5678)."""
    findings = find(text, kinds, options)
    if not findings:
        return text
    parts, at = [], 0
    for f in findings:
        parts.append(text[at:f.start])
        parts.append(f.masked)
        at = f.end
    parts.append(text[at:])
    return "".join(parts)
