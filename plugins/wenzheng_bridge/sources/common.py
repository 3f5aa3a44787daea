"""Rules every adapter shares: dates, types, places, whitespace."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from ..records import SHANGHAI, TYPES

# Platform names onto the four types (DESIGN.md: 投诉 or 求助 are mapped onto these).
TYPE_ALIASES = {
    "建议": "建议", "意见": "建议", "意见建议": "建议", "献策": "建议", "建言": "建议", "建言献策": "建议",
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
    number = float(str(value).replace(",", "").strip())
    if number != number or number in (float("inf"), float("-inf")):  # int() would raise OverflowError
        raise ValueError(f"不是有限的数：{value!r}")
    return int(number)
