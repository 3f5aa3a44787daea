"""Recall and precision of the masker per kind, on the held-out set (or any corpus in its format).

    .venv/bin/python bench/masking_heldout.py [CORPUS.tsv] [--misses] [--real]

CORPUS defaults to tests/data/masking_heldout.tsv, written after the rules were frozen
(tests/data/masking_corpus.tsv is the set the rules were tuned on). A finding counts as
right when it has the label's kind and overlaps the label's text; a finding on no label
of its kind is a false alarm. ``--misses`` lists every miss and false alarm. ``--real``
also masks the real sample (data/tipdm2020c and /work/shared/data/tipdm2020c, with
fj4_extra500) and counts what each kind finds there, replies masked as replies.
Figures and the command that made them: bench/RESULTS-masking.md.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT / "plugins"), str(ROOT / "tests")]

from test_trust_masking import evaluate, load_corpus, ratios, table  # noqa: E402  (the tests' own scoring)
from wenzheng_bridge.trust.masking import KINDS, Options, find  # noqa: E402

HELDOUT = ROOT / "tests" / "data" / "masking_heldout.tsv"
GOALS = (0.99, 0.98)  # recall, precision (issue 11)


def misses(rows) -> list[str]:
    out = []
    for text, labels in rows:
        spans = [(kind, text.index(value), text.index(value) + len(value)) for kind, value in labels]
        findings = find(text, options=text.options)
        for kind, start, end in spans:
            if not any(f.kind == kind and f.start < end and start < f.end for f in findings):
                out.append(f"missed {kind} {text[start:end]!r}: {text!r}")
        for f in findings:
            if not any(kind == f.kind and f.start < end and start < f.end for kind, start, end in spans):
                out.append(f"false alarm {f.kind} {text[f.start:f.end]!r}: {text!r}")
    return out


def real_sample() -> str:
    """What each kind finds in the real sample's titles, bodies and replies (replies as replies)."""
    import openpyxl

    seen, counts, texts, started = set(), Counter(), 0, time.perf_counter()
    folders = [ROOT / "data" / "tipdm2020c", ROOT.parent / "shared" / "data" / "tipdm2020c"]
    for path in sorted(p for folder in folders if folder.exists() for p in folder.glob("fj[234]_*.xlsx")):
        rows = openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True)
        header = next(rows)
        for row in rows:
            record = dict(zip(header, row))
            key = record.get("留言编号")
            if key is None or key in seen:
                continue
            seen.add(key)
            for column in ("留言主题", "留言详情", "答复意见"):
                text = str(record.get(column) or "")
                texts += 1
                for f in find(text, options=Options(reply=column == "答复意见")):
                    counts[f.kind] += 1
    elapsed = time.perf_counter() - started
    found = ", ".join(f"{kind} {counts[kind]}" for kind in KINDS if counts[kind])
    return f"{len(seen)} petitions ({texts} texts, read and masked in {elapsed:.1f} s): {found}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(HELDOUT))
    parser.add_argument("--misses", action="store_true", help="list every miss and false alarm")
    parser.add_argument("--real", action="store_true", help="also count findings in the real sample")
    args = parser.parse_args()
    rows = load_corpus(Path(args.corpus))
    print(table(rows))
    if args.misses:
        print("\n".join(misses(rows)) or "no miss, no false alarm")
    if args.real:
        print(real_sample())
    counts = evaluate(rows)
    below = [k for k in KINDS if counts[k]["tp"] + counts[k]["fn"]
             and (ratios(counts[k])[0] < GOALS[0] or ratios(counts[k])[1] < GOALS[1])]
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
