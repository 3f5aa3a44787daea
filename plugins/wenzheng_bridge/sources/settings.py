"""Options every source entry in WENZHENG_SOURCES accepts; kinds add their own."""
from __future__ import annotations

import re

from ..config import Option


def _slug(value: str) -> str | None:
    return None if re.fullmatch(r"[a-z0-9][a-z0-9_]*", value) else "只能用小写字母、数字和下划线（用于网址和案件编号）"


def _positive(value) -> str | None:
    return None if value >= 0 else "不能为负数"


COMMON_OPTIONS: dict[str, Option] = {
    "name": Option(str, doc="source name; prefix of case ids", check=_slug),
    "kind": Option(str, doc="table / feed / forum / json"),
    "board": Option(str, "", "board name when the source does not give one"),
    "board_map": Option(dict, {}, "source board name -> board name shown on the site"),
    "department": Option(str, "", "target department when the source does not give one"),
    "type_map": Option(dict, {}, "platform type name -> 建议/咨询/举报/诉求 (added to the defaults)"),
    "gazetteer": Option(dict, {}, "place name -> district/county/city, added to WENZHENG_GAZETTEER and the defaults"),
    "charset": Option(str, "", "override the charset of fetched pages"),
    "rate_limit": Option((int, float), 1.0, "requests per second to one host (0 = no limit)", _positive),
    "enabled": Option(bool, True, "pull this source"),
    # Fetching (web kinds only; see fetching.py)
    "timeout": Option((int, float), 10.0, "seconds one request may take in all (a deadline, not per read)", _positive),
    "retries": Option(int, 3, "retries after a 5xx, a timeout or a dropped connection", _positive),
    "backoff": Option((int, float), 1.0, "first wait between retries in seconds (doubles each time)", _positive),
    "robots": Option(bool, True, "obey robots.txt"),
}
