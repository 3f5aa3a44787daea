"""Line structure from the real sample to the case page: paragraphs and numbered points stay apart,
Excel's _x000D_ escapes never show, and the text stays escaped (shared full build)."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup

from conftest import sheet_rows


def petition_paragraphs(site, key: str) -> list[str]:
    tree = BeautifulSoup(site.page(f"cases/{key}/").read_text(encoding="utf-8"), "html.parser")
    section = tree.select_one("section.petition")
    return [p.get_text() for p in section.find_all("p") if "engagement" not in (p.get("class") or [])]


def raw_body(name: str, source_id: int) -> str:
    return next(r[4] for r in sheet_rows(name) if r[0] == source_id)


def test_numbered_points_are_paragraphs_of_their_own(site):
    raw = raw_body("fj2_sample495_labelled.xlsx", 10689)
    points = [line.strip() for line in re.split(r"_x000D_|\n", raw) if re.match(r"\s*\d．", line)]
    assert len(points) == 7
    shown = petition_paragraphs(site, "tipdm-10689")
    assert all(point in shown for point in points)  # each numbered point is one <p>, whole


def test_excel_line_breaks_become_paragraphs_and_never_show_as_escapes(site):
    raw = raw_body("fj2_sample495_labelled.xlsx", 111335)
    def words(text: str) -> str:  # scraped spacing (\t, \u3000, \xa0) folded, as the page shows it
        return " ".join(text.split())

    expected = [words(line) for line in raw.replace("_x000D_", "").split("\n") if words(line)]
    assert len(expected) >= 2
    assert [words(p) for p in petition_paragraphs(site, "tipdm-111335")] == expected
    leaked = [path for path in (site.output / "cases").rglob("index.html") if "_x000D_" in path.read_text("utf-8")]
    assert leaked == []


def test_lines_inside_a_blank_line_separated_block_stay_apart(site):
    # 21066 quotes a resident's post (five paragraphs), a blank line, then the earlier reply
    raw = raw_body("fj2_sample495_labelled.xlsx", 21066).replace("_x000D_", "")
    lines = [" ".join(line.split()) for line in raw.split("\n") if line.strip()]
    assert len(lines) == 13
    assert [" ".join(p.split()) for p in petition_paragraphs(site, "tipdm-21066")] == lines
