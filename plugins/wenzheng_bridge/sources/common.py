"""Rules every adapter shares: dates, types, places, whitespace, HTML fields to text."""
from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta

import nh3

from ..config import Option
from ..records import SHANGHAI, TYPES
from .places import DEFAULT as DEFAULT_GAZETTEER
from .places import Gazetteer

# Platform names onto the four types (DESIGN.md: 投诉 or 求助 are mapped onto these).
TYPE_ALIASES = {
    "建议": "建议", "意见": "建议", "意见建议": "建议", "献策": "建议", "建言": "建议", "建言献策": "建议",
    "咨询": "咨询", "求助": "诉求", "问询": "咨询", "提问": "咨询",
    "举报": "举报", "检举": "举报", "揭发": "举报",
    "诉求": "诉求", "投诉": "诉求", "反映": "诉求", "求决": "诉求",
}

# The documented inference rule, for sources without a type. The title is read
# first, then the start of the body; in each, the first rule that matches wins,
# otherwise 诉求. Order matters: a wrongdoing reported (举报) outranks a
# grievance, a grievance ("扰民问题 希望解决") outranks the question marks and
# wishes it is often phrased with, and a question asked for information (咨询)
# outranks a wish (建议). Measured on 162 hand-labelled petitions of the sample:
# bench/RESULTS-units.md.
TYPE_RULES = [
    ("举报", re.compile(r"举报|检举|揭发|非法|违法|违规(?!停车)|无证|虚假|骗取|诈骗|骗子|冒领|私建|徇私|包庇|纵容|贪污|受贿|"
                        r"挂靠|偷排|直接排放|乱收费|超生|黑恶|赌博|传销")),
    # Said outright: a suggestion, or a request for a new measure.
    ("建议", re.compile(r"建议|提议|提请|倡议|请求[\u4e00-\u9fa5]{0,6}(?:增设|增开|开通|划分|调整|设置|加强)")),
    ("诉求", re.compile(r"扰民|噪音|噪声|油烟|污染|臭|脏|乱象|乱停|乱摆|拖欠|欠薪|讨薪|停水|停电|维权|投诉|不作为|刁难|"
                        r"不合理|不公|为何(?!不能)|凭什么|隐患|故障|损坏|破损|积水|堵|难以|无法|得不到|不给|不发|被克扣|"
                        r"请求|求助|做主|急盼|盼|解决|不能享受|不达标|极差|劣质|有失|罚款|通不过|哪里去了")),
    ("咨询", re.compile(r"咨询|请问|想问|问一下|如何办理|怎么办理|怎样办理|去哪|在哪|哪里|哪些|多少|何时|什么时候|进度|"
                        r"能否享受|能享受|可以[\u4e00-\u9fa5]{0,8}吗|是否属于|是否可以|有没有|条件|流程|手续|政策")),
    ("建议", re.compile(r"呼吁|应该|应当|能否|能不能|可否|希望|尽早|尽快(?!解决)|加快|加强|增设|增开|"
                        r"开通|完善")),
]
_WS = re.compile(r"[ \t\r\f\v\u3000\xa0]+")


def clean_text(value) -> str:
    """Strip scraped whitespace: trim, fold runs of spaces, keep paragraph breaks."""
    if value is None:
        return ""
    lines = [_WS.sub(" ", line).strip() for line in str(value).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def normalise_type(raw: str, type_map: dict | None = None) -> str:
    raw = (raw or "").strip()
    if not raw:
        return ""
    mapping = {**TYPE_ALIASES, **(type_map or {})}
    if raw in mapping:
        return mapping[raw]
    for name, target in mapping.items():
        if name in raw:
            return target
    return raw if raw in TYPES else ""


def infer_type(title: str, body: str = "") -> str:
    return infer_type_evidence(title, body)[0]


def infer_type_evidence(title: str, body: str = "") -> tuple[str, str]:
    """(type, what decided it, e.g. 标题“扰民”) by the documented rule."""
    for where, text in (("标题", title), ("正文", (body or "")[:200])):
        for name, pattern in TYPE_RULES:
            match = pattern.search(text or "")
            if match:
                word = match.group(0)  # a rule word; a span ("可以…吗") is shown by its ends only
                return name, f"{where}“{word if len(word) <= 4 else word[:2] + '…' + word[-2:]}”"
    return "诉求", "无规则命中，默认诉求"


def petition_type(raw: str, type_map: dict | None, title: str, body: str = "") -> tuple[str, dict]:
    """(type, inferred): the source's own type when it has one, else the rule's, marked as inferred.

    ``inferred`` goes into ``Petition.extra["inferred"]`` ({"type": evidence}),
    so pages and exports can say 推断 instead of presenting a guess as the platform's word.
    """
    given = normalise_type(raw, type_map)
    if given:
        return given, {}
    kind, evidence = infer_type_evidence(title, body)
    return kind, {"type": evidence}


def places(text: str, limit: int = 8, gazetteer: Gazetteer | None = None) -> list[str]:
    """Place mentions in order of appearance, without repeats: names the gazetteer knows and
    coded names (A3区), never free fragments such as 现投诉小区 or 我们村."""
    return (gazetteer or DEFAULT_GAZETTEER).places(text, limit)


_TIME = r"(?:[ T]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:\.\d+)?秒?)?)?\s*$"
_DATETIME = re.compile(r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?" + _TIME)
# Excel's US display (12/31/2016), as found in city hotline exports; day first when the first number > 12.
_US_DATETIME = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME)
_SERIAL = re.compile(r"^\s*\d{5}(?:\.\d+)?\s*$")


def parse_datetime(value) -> datetime:
    """Excel cells, datetimes and text dates (``2019/2/28 11:25:05``, date only) in Asia/Shanghai."""
    return read_time(value)[0]


def read_time(value, formats: tuple[str, ...] | list[str] = ()) -> tuple[datetime, bool]:
    """``(time in Asia/Shanghai, date_only)``; ``formats`` (strptime) are tried first.

    ``date_only`` says the source gave a day and no time of day, so pages show
    the date and never a made-up 00:00. A naive datetime (an Excel cell) is
    Shanghai time, whatever zone the machine is in.
    """
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
        return moment, value.tzinfo is None and value.time() == datetime.min.time()
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=SHANGHAI), True
    if isinstance(value, (int, float)) and 20000 < value < 80000:  # Excel serial day number
        return _serial(float(value))
    text = str(value).strip()
    for pattern in formats:
        try:
            parsed = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return parsed.replace(tzinfo=parsed.tzinfo or SHANGHAI), not any(c in pattern for c in "HIMSp")
    if _SERIAL.match(text) and 20000 < float(text) < 80000:
        return _serial(float(text))
    match = _DATETIME.match(text)
    if match:
        return _from_parts(*match.groups())
    match = _US_DATETIME.match(text)
    if match:
        first, second, year, *clock = match.groups()
        month, day = (first, second) if int(first) <= 12 else (second, first)
        return _from_parts(year, month, day, *clock)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"无法识别的时间 {text!r}") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)), len(text) <= 10


def _serial(days: float) -> tuple[datetime, bool]:
    moment = (datetime(1899, 12, 30) + timedelta(days=days)).replace(tzinfo=SHANGHAI)
    return moment, days == int(days)


def _from_parts(year, month, day, hour, minute, second) -> tuple[datetime, bool]:
    try:
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                          tzinfo=SHANGHAI)
    except ValueError as error:  # 2019/2/30, 25:00
        raise ValueError(f"无法识别的时间 {year}-{month}-{day}（{error}）") from None
    return moment, hour is None


def to_int(value) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        number = float(str(value).replace(",", "").strip())
    except ValueError:
        raise ValueError(f"不是数字：{value!r}") from None
    if number != number or number in (float("inf"), float("-inf")):  # int() would raise OverflowError
        raise ValueError(f"不是有限的数：{value!r}")
    return int(number)


# Tags whose content is code or an embedded document, never a resident's words: dropped whole.
# (svg and math are only unwrapped: an unclosed <svg> would otherwise swallow the rest of a post.)
DROPPED_WITH_CONTENT = {"script", "style", "noscript", "template", "iframe", "object", "embed",
                        "textarea", "select", "head", "title"}
_BREAKS = re.compile(r"<br\b[^>]*>|</?(?:p|div|li|tr|h[1-6]|blockquote)(?:\s[^>]*)?>", re.I)


def html_to_text(value) -> str:
    """Plain text of a field that carries HTML: ONE nh3 (html5ever) parse, entities decoded once.

    Only for fields a source declares as HTML (``html_fields`` of its adapter:
    a Discuz! post, a feed description, a table or JSON column so declared).
    What the HTML escaped is text: ``&lt;b&gt;`` becomes the characters ``<b>``
    and stays them; the writers escape text where they write it. Decoding is
    never repeated: a second round would turn what a resident typed (and the
    forum showed literally) into markup, and delete it or, worse, run it.
    """
    if value is None or value == "":
        return ""
    text = nh3.clean(_BREAKS.sub("\n", str(value)), tags=set(), clean_content_tags=DROPPED_WITH_CONTENT)
    return clean_text(html.unescape(text))


#: Record fields a table or JSON source reads as text; its ``html_fields`` option may declare some HTML.
TEXT_FIELDS = ("title", "body", "author", "reply_text", "reply_unit", "board", "department", "field", "state")


def _html_fields_problem(value) -> str | None:
    unknown = set(value) - set(TEXT_FIELDS)
    return f"未知的字段 {sorted(unknown)}（可用：{sorted(TEXT_FIELDS)}）" if unknown else None


#: The ``html_fields`` option of sources whose values are plain text unless declared (table, JSON).
HTML_FIELDS_OPTION = Option(list, [], "record fields whose values are HTML (read as text once: tags dropped, "
                            "entities decoded); every other field is plain text, shown as it is",
                            check=_html_fields_problem)


def text_reader(declared):
    """How a source reads one field: ``html_to_text`` for the fields it declared HTML, else ``clean_text``."""
    declared = set(declared)
    return lambda name, value: (html_to_text if name in declared else clean_text)(value)
