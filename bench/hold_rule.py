"""Precision and recall of the accusation hold rule (trust/accusation.py) on hand-labelled real petitions.

    .venv/bin/python bench/hold_rule.py [--show]

Labels: tests/data/accusation_labels.csv (留言编号, hold/publish, reason), read from
the petitions of data/tipdm2020c (the shared copy adds fj4_extra500_replies.xlsx).
Every labelled petition is checked by the rule on its title and body, as a case
whose type was inferred (the sample has no type column). Results: bench/RESULTS-hold-rule.md.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from wenzheng_bridge.sources import validate_sources  # noqa: E402
from wenzheng_bridge.sources.kinds import SOURCE_KINDS  # noqa: E402
from wenzheng_bridge.records import Petition  # noqa: E402
from wenzheng_bridge.trust.accusation import find_accusation  # noqa: E402

LABELS = ROOT / "tests" / "data" / "accusation_labels.csv"


def labels() -> dict[str, tuple[str, str]]:
    with LABELS.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {row["id"]: (row["label"], row["reason"]) for row in rows}


def petitions() -> dict[str, Petition]:
    """Every petition of the sample files, by 留言编号 (shared copy first: it has the extra 500)."""
    found: dict[str, Petition] = {}
    for folder in (ROOT.parent / "shared" / "data" / "tipdm2020c", ROOT / "data" / "tipdm2020c"):
        paths = [str(path) for path in sorted(folder.glob("fj[234]*.xlsx"))]
        if not paths:
            continue
        (config,), problems = validate_sources([{"name": "tipdm", "kind": "table", "paths": paths}], ROOT)
        assert not problems, problems
        for item in SOURCE_KINDS["table"](config, ROOT).items():
            if isinstance(item, Petition):
                found.setdefault(item.source_id, item)
    return found


def measure(show: bool = False) -> dict:
    """Confusion counts of the rule against the labels; ``show`` prints every miss."""
    wanted, found = labels(), petitions()
    missing = sorted(set(wanted) - set(found))
    assert not missing, f"labelled ids not in the sample: {missing}"
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for key, (label, reason) in wanted.items():
        petition = found[key]
        hit = find_accusation(f"{petition.title}\n{petition.body}", petition.title)
        kind = ("tp" if label == "hold" else "fp") if hit else ("fn" if label == "hold" else "tn")
        counts[kind] += 1
        if show and kind in ("fp", "fn"):
            print(kind, key, petition.title, "|", reason, "|", hit.describe() if hit else "")
    counts["precision"] = counts["tp"] / ((counts["tp"] + counts["fp"]) or 1)
    counts["recall"] = counts["tp"] / ((counts["tp"] + counts["fn"]) or 1)
    counts["labelled"] = len(wanted)
    return counts


if __name__ == "__main__":
    result = measure(show="--show" in sys.argv)
    print(f"labelled {result['labelled']} (hold {result['tp'] + result['fn']}): "
          f"tp {result['tp']} fp {result['fp']} fn {result['fn']} tn {result['tn']}; "
          f"precision {result['precision']:.3f} recall {result['recall']:.3f}")
