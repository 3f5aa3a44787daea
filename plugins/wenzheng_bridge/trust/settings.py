"""Settings of the trust layer, with their documented defaults."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from ..config import Choice, LayerSettings, Option
from ..records import TYPES
from .masking import KINDS, public_numbers


def _strings(value) -> str | None:
    return None if all(isinstance(v, str) and v for v in value) else "应为非空字符串列表"


def _numbers(value) -> str | None:
    bad = [v for v in value if not isinstance(v, str) or len(re.sub(r"\D", "", v)) < 5]
    return f"含无效的号码 {bad}（应为至少 5 位数字的字符串，如 \"0746-8362789\"）" if bad else None


OPTIONS: dict[str, Option] = {
    "WENZHENG_REVIEW_TYPES": Choice(
        TYPES, ["举报"], "petition types kept off public outputs until an editor clears the case", of=list,
        noun="留言类型"),
    "WENZHENG_REVIEW_BOARDS": Option(
        list, [], "boards whose cases are kept off public outputs until an editor clears them", _strings),
    "WENZHENG_REVIEW_ALL": Option(
        bool, False, "every case needs an editor's clearance before it is public"),
    "WENZHENG_HOLD_ACCUSATIONS": Option(
        bool, True, "hold (待审) cases whose type was inferred and which accuse a named person, until cleared"),
    "WENZHENG_PRODUCTION": Option(
        bool, False, "the build is the public site (publishconf.py): newsroom-only and draft files are removed "
                     "from the output, and a published article naming a gated case stops the build"),
    "WENZHENG_PRIVATE_PATHS": Option(
        list, ["newsroom", "drafts"], "output folders only the newsroom may see (removed in a production build)",
        _strings),
    "WENZHENG_SCAN_OUTPUT": Option(
        bool, True, "after the build, scan every output file and fail on unmasked personal data"),
    "WENZHENG_SCAN_KINDS": Choice(
        KINDS, list(KINDS), "kinds of personal data the output scan fails the build on (default: every kind "
        "the masker knows)", of=list, noun="类别"),
    "WENZHENG_PUBLIC_NUMBERS": Option(
        list, [], "public phone numbers (a department's hotline, e.g. \"0746-8362789\") never masked, anywhere; "
        "compared digit by digit. A landline a reply gives as its office's contact stays without being listed",
        _numbers),
}


@dataclass(frozen=True)
class TrustSettings(LayerSettings):
    """The trust layer's settings, read by attribute (lists as tuples)."""

    OPTIONS = OPTIONS

    review_types: tuple
    review_boards: tuple
    review_all: bool
    hold_accusations: bool
    production: bool
    private_paths: tuple
    scan_output: bool
    scan_kinds: tuple
    public_numbers: tuple

    @cached_property
    def public_digits(self) -> frozenset[str]:
        """The digits of each public number, as the masker and the scan compare them."""
        return public_numbers(self.public_numbers)
