"""Places named in a petition, read with a gazetteer instead of free guessing.

A gazetteer maps each known place name (city, district, county, town, street,
and the anonymised codes of the sample: 西地省, A市, A1区…, K3县) to the area
it belongs to, i.e. the board that covers it. Coded names (a capital letter,
digits and 市/区/县) are always recognised as themselves, so a sheet from
another city of the province needs no list. The words that matched are kept
as evidence wherever a board is assigned from them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Towns and streets the sample names, each with the district or county it is in
# (from the sample's own texts, e.g. "A7县泉塘街道", "A3区洋湖街道", "临G5县新安镇").
DEFAULT_GAZETTEER = {
    "西地省": "西地省",
    "洋湖街道": "A3区", "含浦街道": "A3区", "学士街道": "A3区", "麓谷街道": "A3区", "坪塘街道": "A3区",
    "桂花坪街道": "A2区", "先锋街道": "A2区", "洞井街道": "A2区",
    "东山街道": "A5区", "金盆岭街道": "A5区",
    "伍家岭街道": "A4区", "新河街道": "A4区", "洪山街道": "A4区", "月亮岛街道": "A6区",
    "定王台街道": "A1区", "观沙岭街道": "A1区",
    "星沙街道": "A7县", "泉塘街道": "A7县", "榔梨街道": "A7县", "㮾梨街道": "A7县", "楚龙街道": "A7县",
    "湘龙街道": "A7县", "黄兴镇": "A7县", "黄花镇": "A7县", "江背镇": "A7县", "安沙镇": "A7县",
    "北山镇": "A7县", "春华镇": "A7县", "果园镇": "A7县", "福临镇": "A7县", "青山铺镇": "A7县",
    "暮云镇": "A7县",
    "横市镇": "A8县", "双江口镇": "A8县", "巷子口镇": "A8县", "黄材镇": "A8县", "流沙河镇": "A8县",
    "青山桥镇": "A8县", "双凫铺镇": "A8县",
    "新安镇": "临G5县", "四新岗镇": "临G5县", "合口镇": "临G5县",
    "坡头镇": "G4县",
}
# Anonymised codes: 临G5县, A3区, K3县, A市, C4市 (the letter-and-number names of the sample).
_CODE = re.compile(r"临?[A-Z]\d{0,2}(?:县市|市|区|县)(?![\u4e00-\u9fa5]{0,1}(?:路|街|大道|巷))")
# A housing estate, village or square: a short name before its kind. Words that
# never belong to a name (pronouns, verbs of complaint, time words) cut the
# name after them: "现投诉小区" leaves "小区" (no name), "我们村" leaves "村".
_ESTATE = re.compile(r"([\u4e00-\u9fa5A-Za-z0-9]{2,6}?)(小区|花园|花苑|家园|公寓|社区|村|广场)")
_JUNK = re.compile(r"^.*(?:[我您你他她们这那该此某本其现原的了在是有和与及对向给从到把被个所住]|之前|之后|以前|附近|旁边|门口|"
                   r"投诉|反映|举报|居住|位于|隔壁|对面)")
# A bare city code followed by a district code ("A市A3区") names the district, not the city.
_LEVELS = {"省": 0, "市": 1, "区": 2, "县": 2}


@dataclass(frozen=True)
class Match:
    name: str  # as written
    area: str  # the district, county or city it belongs to
    start: int


class Gazetteer:
    """Known place names (defaults plus a setting's) and the codes of the sample."""

    def __init__(self, names: dict | None = None):
        self.names = {**DEFAULT_GAZETTEER, **(names or {})}
        # Longest name first, so 桂花坪街道 wins over a shorter name inside it.
        words = sorted(self.names, key=len, reverse=True)
        self._known = re.compile("|".join(map(re.escape, words))) if words else None

    def matches(self, text: str) -> list[Match]:
        """Every place named in the text, in order, known names and codes."""
        text = text or ""
        found: dict[int, Match] = {}
        if self._known:
            for m in self._known.finditer(text):
                found[m.start()] = Match(m.group(0), self.names[m.group(0)], m.start())
        for m in _CODE.finditer(text):
            if not any(f.start <= m.start() < f.start + len(f.name) for f in found.values()):
                found[m.start()] = Match(m.group(0), self.names.get(m.group(0), m.group(0)), m.start())
        return [found[k] for k in sorted(found)]

    def places(self, text: str, limit: int = 8) -> list[str]:
        """Place names in order of appearance, without repeats: the gazetteer's and the codes,
        and named estates and villages (魅力之城小区), never a fragment such as 现投诉小区 or 我们村."""
        found = [(m.start, m.name) for m in self.matches(text)]
        for m in _ESTATE.finditer(text or ""):
            name = _JUNK.sub("", m.group(0))
            if len(name) - len(m.group(2)) >= 2 and not any(s <= m.start() < s + len(n) for s, n in found):
                found.append((m.start() + len(m.group(0)) - len(name), name))
        seen: list[str] = []
        for _, name in sorted(found):
            if name not in seen:
                seen.append(name)
            if len(seen) >= limit:
                break
        return seen

    def area(self, title: str, body: str = "", body_chars: int = 300) -> tuple[str, str]:
        """(area, evidence such as 标题“A3区”、“洋湖街道”): the most local place the title names, else the body.

        A district or county wins over the city it is in ("A市A3区" -> A3区); the
        province alone assigns nothing (every post is in it).
        """
        for where, text in (("标题", title), ("正文", (body or "")[:body_chars])):
            local = [m for m in self.matches(text) if _level(m.area) >= 1]
            if local:
                best = max(local, key=lambda m: (_level(m.area), -m.start))
                words = dict.fromkeys(m.name for m in local if m.area == best.area)
                return best.area, where + "、".join(f"“{w}”" for w in words)
        return "", ""


def _level(area: str) -> int:
    return _LEVELS.get(area[-1:], 0) if area != "西地省" else 0


DEFAULT = Gazetteer()
