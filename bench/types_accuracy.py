"""The type rule (建议/咨询/举报/诉求 from title and body) against hand labels.

Labels: tests/data/petition_types.tsv, 162 petitions of the sample (every fourth
row of fj2, fj3 and fj4 in file order), each type read by hand from the
title and the body. Rows whose 留言编号 is divisible by 3 are held out: the
rule was tuned on the others only.
Run: .venv/bin/python bench/types_accuracy.py [--show]
"""
from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

from wenzheng_bridge.records import TYPES
from wenzheng_bridge.sources.common import clean_text, infer_type_evidence
from wenzheng_bridge.sources.table import read_rows

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "tipdm2020c"
LABELS = ROOT / "tests" / "data" / "petition_types.tsv"


def labelled() -> list[dict]:
    with open(LABELS, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    texts = {}
    for name in sorted({r["file"] for r in rows}):
        sheet = read_rows(DATA / name)
        header = [clean_text(h) for h in next(sheet)[1]]
        for _, cells in sheet:
            cell = dict(zip(header, cells))
            if cell.get("留言编号") is not None:
                texts[(name, str(cell["留言编号"]).removesuffix(".0"))] = (
                    clean_text(cell.get("留言主题")), clean_text(cell.get("留言详情")))
    for row in rows:
        row["title"], row["body"] = texts[(row["file"], row["留言编号"])]
    return rows


def report(rows: list[dict], guessed: dict) -> list[str]:
    right = sum(guessed[r["留言编号"]] == r["type"] for r in rows)
    lines = [f"accuracy {right}/{len(rows)} = {100 * right / len(rows):.1f}%"]
    for kind in TYPES:
        truth = [r for r in rows if r["type"] == kind]
        said = [r for r in rows if guessed[r["留言编号"]] == kind]
        hit = sum(guessed[r["留言编号"]] == kind for r in truth)
        lines.append(f"  {kind}: labelled {len(truth)}, guessed {len(said)}, "
                     f"recall {hit}/{len(truth)}, precision {hit}/{len(said)}")
    return lines


def main(argv: list[str]) -> None:
    rows = labelled()
    guessed = {r["留言编号"]: infer_type_evidence(r["title"], r["body"])[0] for r in rows}
    for name, part in (("tuning", [r for r in rows if int(r["留言编号"]) % 3]),
                       ("held out", [r for r in rows if not int(r["留言编号"]) % 3]), ("all", rows)):
        print(f"## {name} ({len(part)})")
        print("\n".join(report(part, guessed)))
    confusion = Counter((r["type"], guessed[r["留言编号"]]) for r in rows)
    print("confusion (label -> guessed):", ", ".join(f"{a}->{b}: {n}" for (a, b), n in sorted(confusion.items())))
    if "--show" in argv:
        for r in rows:
            if guessed[r["留言编号"]] != r["type"] and int(r["留言编号"]) % 3:
                print(f"{r['留言编号']}\t{r['type']}\t{guessed[r['留言编号']]}\t{r['title']}")


if __name__ == "__main__":
    main(sys.argv[1:])
