"""Rules every adapter shares: dates, types, places, whitespace, HTML fields to text."""
from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta

import nh3

from ..config import Option
from ..records import SHANGHAI, TYPES

# Platform names onto the four types (DESIGN.md: 投诉 or 求助 are mapped onto these).
TYPE_ALIASES = {
    "建议": "建议", "意见": "建议", "意见建议": "建议", "献策": "建议",
    "咨询": "咨询", "求助": "诉求", "问询": "咨询", "提问": "咨询",
    "举报": "举报", "检举": "举报", "揭发": "举报",
    "诉求": "诉求", "投诉": "诉求", "反映": "诉求", "求决": "诉求",
}

# The documented inference rule, for sources without a type: the first rule
# that matches the title (then the body) wins; otherwise 诉求.
TYPE_RULES = [
    ("举报", re.compile(r"举报|检举|揭发")),
    ("咨询", re.compile(r"[?？]|请问|咨询|能否|是否|可否|怎么|如何|为何|为什么|何时|多久|什么时候|哪里|吗")),
    ("建议", re.compile(r"建议|希望|呼吁|请求.*增设|恳请|提议|应该")),
]

_PLACE = re.compile(
    r"西地省|[A-Z]\d*市|[A-Z]\d+区|[A-Z]\d+县"
    r"|[\u4e00-\u9fa5]{2,6}?(?:街道|镇|乡|村|社区|小区|花园|花苑|大道|广场)"
)
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
    for text in (title, body[:200]):
        for name, pattern in TYPE_RULES:
            if pattern.search(text or ""):
                return name
    return "诉求"


def places(text: str, limit: int = 8) -> list[str]:
    """Place mentions in order of appearance, without repeats."""
    seen: list[str] = []
    for match in _PLACE.finditer(text or ""):
        name = match.group(0)
        if name not in seen:
            seen.append(name)
        if len(seen) >= limit:
            break
    return seen


_DATETIME = re.compile(
    r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:[ T]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:\.\d+)?秒?)?)?\s*$"
)


def parse_datetime(value) -> datetime:
    """Excel cells, datetimes and text dates (``2019/2/28 11:25:05``, date only) in Asia/Shanghai."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=SHANGHAI)
    if isinstance(value, (int, float)) and 20000 < value < 80000:  # Excel serial day number
        return (datetime(1899, 12, 30) + timedelta(days=float(value))).replace(tzinfo=SHANGHAI)
    text = str(value).strip()
    match = _DATETIME.match(text)
    if not match:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"无法识别的时间 {text!r}") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)
    y, m, d, hh, mm, ss = (int(g) if g else 0 for g in match.groups())
    return datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


def to_int(value) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    number = float(str(value).replace(",", "").strip())
    if number != number or number in (float("inf"), float("-inf")):  # int() would raise OverflowError
        raise ValueError(f"不是有限的数：{value!r}")
    return int(number)


# Tags whose content is code or an embedded document, never a resident's words: dropped whole.
# (svg and math are only unwrapped: an unclosed <svg> would otherwise swallow the rest of a post.)
DROPPED_WITH_CONTENT = {"script", "style", "noscript", "template", "iframe", "object", "embed",
                        "textarea", "select", "head", "title"}
_BREAKS = re.compile(r"<br\s*/?>|</?(?:p|div|li|tr|h[1-6]|blockquote)(?:\s[^>]*)?>", re.I)


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
