"""Replying units read from real reply texts, measured against hand labels.

Labels: tests/data/reply_units.tsv (留言编号, file, unit; "" = the reply names no
unit), read by hand from fj4_sample120_replies.xlsx and fj4_extra500_replies.xlsx.
Rows whose 留言编号 is divisible by 3 are held out: the rules were tuned on the
others only. Run: .venv/bin/python bench/units_accuracy.py [--show]
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

from wenzheng_bridge.caseview.units import UnitReader
from wenzheng_bridge.sources.common import clean_text
from wenzheng_bridge.sources.table import read_rows

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "tipdm2020c"
LABELS = ROOT / "tests" / "data" / "reply_units.tsv"


def labels() -> list[dict]:
    with open(LABELS, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def reply_texts(files) -> dict[tuple[str, str], str]:
    texts = {}
    for name in files:
        rows = read_rows(DATA / name)
        header = [clean_text(h) for h in next(rows)[1]]
        for _, row in rows:
            cells = dict(zip(header, row))
            if cells.get("留言编号") is not None:
                texts[(name, str(cells["留言编号"]).removesuffix(".0"))] = clean_text(cells.get("答复意见"))
    return texts


def is_held_out(source_id: str) -> bool:
    return int(source_id) % 3 == 0


def score(rows: list[dict], found: dict) -> dict:
    named = [r for r in rows if r["unit"]]
    detected = [r for r in rows if found[r["留言编号"]]]
    right = [r for r in detected if found[r["留言编号"]] == r["unit"]]
    return {
        "replies": len(rows), "naming a unit (labels)": len(named),
        "unit found": len(detected), "found and right": len(right),
        "share found of all replies": _pct(len(detected), len(rows)),
        "recall (right / naming a unit)": _pct(len(right), len(named)),
        "precision (right / found)": _pct(len(right), len(detected)),
    }


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def main(argv: list[str]) -> None:
    rows = labels()
    texts = reply_texts(sorted({r["file"] for r in rows}))
    reader = UnitReader()
    found = {r["留言编号"]: reader.detect(texts[(r["file"], r["留言编号"])])[0] for r in rows}
    parts = {"tuning": [r for r in rows if not is_held_out(r["留言编号"])],
             "held out": [r for r in rows if is_held_out(r["留言编号"])], "all": rows}
    keys = list(score(rows, found))
    print("| measure | " + " | ".join(parts) + " |")
    print("|---|" + "---|" * len(parts))
    scores = {name: score(part, found) for name, part in parts.items()}
    for key in keys:
        print(f"| {key} | " + " | ".join(str(scores[name][key]) for name in parts) + " |")
    if "--show" in argv:
        for r in rows:
            got = found[r["留言编号"]]
            if got != r["unit"]:
                print(f"{r['留言编号']}\tlabel={r['unit']!r}\tfound={got!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
