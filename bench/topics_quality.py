"""Hot-topic quality on the hand-labelled real sample: purity and recall per labelled topic.

    .venv/bin/python bench/topics_quality.py              # all labelled topics, and by part
    .venv/bin/python bench/topics_quality.py --set threshold=0.25 --set split_density=0.1
    git archive e76ff3d plugins | tar -x -C /tmp/old
    .venv/bin/python bench/topics_quality.py --code /tmp/old/plugins      # before this change
    .venv/bin/python bench/topics_quality.py --corpus fj3full            # the second, larger set

The labelled set is tests/data/topics_labelled.tsv: every post of the real
sample (fj2, fj3, fj4 and fj4_extra500: 1,144 posts) marked with the topic a
reader would name, "-" for a post in none of them, "?" for a borderline one
left out of the figures. ``--corpus fj3full`` measures the second set,
bench/data/topics_fj3full_labelled.tsv: the whole 附件3 of the same
competition (4,326 posts, 30 of them in the sample; bench/data/README.md says
where it comes from), labelled blind to the grouping code. The posts are pulled
into a temporary store through the project's own table source and grouped by
``caseview.topics``.

For each labelled topic T, the found topic F holding most of T's posts is its
match (none: purity and recall 0). Purity = |F ∩ T| / |F ∩ judged|, where
judged is every post not marked "?"; recall = |F ∩ T| / |T|. The figures are
the means over the labelled topics (macro averages), for all of them and for
each part (tune: the settings were tuned looking at these; heldout: not).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "plugins"))
if "--code" in sys.argv:  # measure another copy of the package (e.g. an older commit from git archive)
    sys.path.insert(0, str(Path(sys.argv[sys.argv.index("--code") + 1]).resolve()))

LABELLED = ROOT / "tests" / "data" / "topics_labelled.tsv"
NOW = "2020-02-01T12:00:00+08:00"
FILES = ("fj2_sample495_labelled.xlsx", "fj3_sample30_likes.xlsx", "fj4_sample120_replies.xlsx",
         "fj4_extra500_replies.xlsx")
FULL_FJ3 = ROOT / "bench" / "data" / "tipdm2020c_fj3_full.xlsx"
#: corpus name -> (labelled set, files to pull; None = the sample's FILES)
CORPORA = {"sample": (LABELLED, None),
           "fj3full": (ROOT / "bench" / "data" / "topics_fj3full_labelled.tsv", [FULL_FJ3])}


@dataclass
class Labelled:
    topic: dict[str, str]  # case key -> topic name, "-" or "?"
    part: dict[str, str]  # topic name -> "tune" or "heldout"

    def members(self, name: str) -> set[str]:
        return {key for key, topic in self.topic.items() if topic == name}

    @property
    def names(self) -> list[str]:
        return sorted(self.part)

    @property
    def judged(self) -> set[str]:
        return {key for key, topic in self.topic.items() if topic != "?"}


def read_labelled(path: Path = LABELLED) -> Labelled:
    topic, part = {}, {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        key, name, where, _title = line.split("\t", 3)
        topic[key] = name
        if name not in ("-", "?"):
            part[name] = where
    return Labelled(topic, part)


def sample_dir() -> Path:
    bundled = ROOT / "data" / "tipdm2020c"
    if (bundled / FILES[-1]).exists():
        return bundled
    return ROOT.parent / "shared" / "data" / "tipdm2020c"


def sample_cases(folder: Path, sample: Path | None = None, files: list[Path] | None = None) -> list:
    """Every post of the sample (or of ``files``) as a case, pulled into a store in ``folder``."""
    from wenzheng_bridge.caseview import cases
    from wenzheng_bridge.pull import pull
    from wenzheng_bridge.settings import wenzheng_settings
    from wenzheng_bridge.store import Store

    sample = sample or sample_dir()
    paths = [str(path) for path in files] if files else [str(sample / name) for name in FILES]
    source = {"name": "tipdm", "kind": "table", "paths": paths,
              "labels": str(sample / "fj1_label_tree.xlsx"), "board": "A市", "board_from_district": True}
    raw = {"PATH": str(folder), "WENZHENG_BASE": str(folder), "WENZHENG_STORE": str(folder / "store.sqlite3"),
           "WENZHENG_SOURCES": [source], "WENZHENG_NOW": NOW}
    settings = {**raw, **wenzheng_settings(raw)}
    pull(settings)
    with Store.open(settings["WENZHENG_STORE"], readonly=True) as store:
        return list(cases(store, settings))


def scores(found, labelled: Labelled) -> dict[str, tuple[float, float, str, int]]:
    """Per labelled topic: (purity, recall, matched label, matched size)."""
    judged = labelled.judged
    result = {}
    for name in labelled.names:
        truth = labelled.members(name)
        best = max(found, key=lambda t: len(truth & set(t.members)), default=None)
        hit = len(truth & set(best.members)) if best else 0
        if not hit:
            result[name] = (0.0, 0.0, "", 0)
            continue
        members = set(best.members) & judged
        result[name] = (hit / len(members), hit / len(truth), best.label, len(best.members))
    return result


def means(per_topic: dict, names) -> tuple[float, float]:
    names = list(names)
    return (sum(per_topic[n][0] for n in names) / len(names), sum(per_topic[n][1] for n in names) / len(names))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a WENZHENG_TOPICS value to try")
    parser.add_argument("--code", help="folder holding the wenzheng_bridge package to measure (default: plugins/)")
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="sample", help="which labelled set (default: sample)")
    args = parser.parse_args(argv)
    from wenzheng_bridge.caseview import topics

    options = {key: float(value) for key, value in (item.split("=", 1) for item in args.set)}
    labelled_path, files = CORPORA[args.corpus]
    labelled = read_labelled(labelled_path)
    with tempfile.TemporaryDirectory() as folder:
        views = sample_cases(Path(folder), files=files)
    found = topics(views, {"WENZHENG_NOW": NOW, "WENZHENG_CACHE_DIR": "", "WENZHENG_TOPICS": options})
    per_topic = scores(found, labelled)
    for name in labelled.names:
        purity, recall, label, size = per_topic[name]
        print(f"{labelled.part[name]:8} {name:12}\tpurity {purity:.2f}\trecall {recall:.2f}\t{size:3}  {label}")
    for part in ("tune", "heldout", None):
        names = [n for n in labelled.names if part is None or labelled.part[n] == part]
        purity, recall = means(per_topic, names)
        print(f"{part or 'all'}: {len(names)} topics, purity {purity:.3f}, recall {recall:.3f}")
    grouped = sum(len(t.members) for t in found)
    print(f"{len(views)} posts, {len(found)} topics, {grouped} posts in a topic; largest:",
          [(t.label, len(t.members)) for t in sorted(found, key=lambda t: -len(t.members))[:8]])


if __name__ == "__main__":
    main()
