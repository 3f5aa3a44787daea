"""Make a benchmark store of N cases by sampling and varying the real sample rows.

The 644 real petitions in ``data/tipdm2020c`` (read through the project's own
table adapter, so the bench sees what a pull would store) are the templates.
Each synthetic case takes a template's title and body, moves it to a board
drawn from the real board distribution (district names in the text follow),
jitters the small numbers in the text (house numbers, days, storeys), gets a
posting time spread over 2010-2022 (more posts in later years, as on the real
platform, with the real time-of-day) and, at the platform's reply rate, a
reply taken from fj4 after a delay drawn from fj4's real long-tailed delays.
Likes come from fj3's real values. A fixed seed makes the store identical run
after run; newsroom follow-ups and column articles go to a bench content
folder in the formats the newsroom reads (``newsroom/records.py``).

    .venv/bin/python bench/make_store.py 10000 --out bench/work/10000
"""
from __future__ import annotations

import argparse
import bisect
import random
import re
import sys
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from wenzheng_bridge.records import SHANGHAI, Petition, Reply  # noqa: E402
from wenzheng_bridge.sources.common import places  # noqa: E402

SAMPLE = ROOT / "data" / "tipdm2020c"
SOURCE = "bench"
SEED = 20201
#: When the bench store was "pulled": fixed, so first_seen and statuses are reproducible.
PULLED_AT = datetime(2023, 1, 3, 8, 0, tzinfo=SHANGHAI)
#: The build's "now" for bench sites (WENZHENG_NOW), a few days after the pull.
BENCH_NOW = "2023-01-06T18:00:00+08:00"
FIRST_YEAR, LAST_YEAR = 2010, 2022
#: Reply rate of the platform in the story (DESIGN.md: 97.31% of 95,425 posts).
REPLY_RATE = 0.9731
#: Share of cases with newsroom follow-ups, and cases named per column article.
FOLLOWUP_SHARE = 0.01
CASES_PER_ARTICLE = 3
ARTICLE_EVERY = 500  # one column article per this many cases
BATCH = 1000

_DISTRICT = re.compile(r"[A-Z]\d+[区县]")
_SMALL_NUMBER = re.compile(r"(?<![A-Z\d])\d{1,2}(?=[号栋楼层天个年月日户人元])")
_REPORTERS = ("张晓", "李文", "王敏", "陈静", "刘洋")


@dataclass
class Templates:
    """What the real sample offers to sample from."""

    petitions: list[Petition]
    boards: list[str]  # one entry per real petition: sampling it follows the real distribution
    fields: list[str]  # labelled fields only (fj3/fj4 rows have none)
    replies: list[Petition]  # petitions with a dated reply (fj4)
    delays: list[float]  # days from post to reply, fj4
    likes: list[tuple[int, int]]  # (likes, dislikes), fj3
    day_seconds: list[int]  # time of day of real posts


def sample_adapter(sample: Path = SAMPLE):
    """The demo's table source over the real sample, validated like any configured source."""
    from wenzheng_bridge.sources import adapter_class, validate_sources

    entry = {
        "name": "tipdm", "kind": "table", "board": "A市", "board_from_district": True,
        "paths": [str(sample / name) for name in
                  ("fj2_sample495_labelled.xlsx", "fj3_sample30_likes.xlsx", "fj4_sample120_replies.xlsx")],
        "labels": str(sample / "fj1_label_tree.xlsx"),
    }
    sources, problems = validate_sources([entry], sample)
    if problems:
        raise SystemExit("\n".join(problems))
    return adapter_class("table")(sources[0], sample)


def real_petitions(sample: Path = SAMPLE) -> list[Petition]:
    """The real sample as the table source yields it, in 留言编号 order."""
    petitions = [item for item in sample_adapter(sample).items() if isinstance(item, Petition)]
    return sorted(petitions, key=lambda p: int(p.source_id))


def templates(petitions: list[Petition]) -> Templates:
    dated = [p for p in petitions if p.replies and p.replies[0].time and p.posted]
    return Templates(
        petitions=petitions,
        boards=[p.board for p in petitions],
        fields=[p.field for p in petitions if p.field],
        replies=dated,
        delays=[(p.replies[0].time - p.posted).total_seconds() / 86400 for p in dated],
        likes=[(p.likes or 0, p.dislikes or 0) for p in petitions if p.likes is not None],
        day_seconds=[p.posted.hour * 3600 + p.posted.minute * 60 + p.posted.second
                     for p in petitions if p.posted],
    )


def _move_to_board(text: str, board: str) -> str:
    """District names follow the case to its board (A市 cases keep theirs)."""
    if not _DISTRICT.fullmatch(board):
        return text
    return _DISTRICT.sub(board, text)


def _jitter_numbers(text: str, rng: random.Random) -> str:
    return _SMALL_NUMBER.sub(lambda m: str(max(1, int(m.group(0)) + rng.randint(-3, 3))), text)


class CaseMaker:
    """Draws case after case from the templates with one seeded generator."""

    def __init__(self, tpl: Templates, seed: int = SEED):
        self.tpl = tpl
        self.rng = random.Random(seed)
        years = list(range(FIRST_YEAR, LAST_YEAR + 1))
        # The platform grew: a year's weight rises linearly (2010: 1, 2022: 13).
        weights = [year - FIRST_YEAR + 1 for year in years]
        self.years = years
        self.year_cumulative = [sum(weights[: i + 1]) for i in range(len(weights))]
        self.end = datetime(LAST_YEAR, 12, 31, 23, 59, tzinfo=SHANGHAI)

    def posted(self) -> datetime:
        rng = self.rng
        year = self.years[bisect.bisect_right(self.year_cumulative, rng.random() * self.year_cumulative[-1])]
        start = datetime(year, 1, 1, tzinfo=SHANGHAI)
        days = (datetime(year + 1, 1, 1, tzinfo=SHANGHAI) - start).days
        return start + timedelta(days=rng.randrange(days), seconds=rng.choice(self.tpl.day_seconds))

    def reply(self, posted: datetime, board: str) -> Reply | None:
        rng = self.rng
        if rng.random() >= REPLY_RATE:
            return None
        # Real delays, stretched or shrunk by up to ±20%: keeps fj4's long tail.
        delay = rng.choice(self.tpl.delays) * rng.uniform(0.8, 1.2)
        when = (posted + timedelta(days=delay)).replace(microsecond=0)
        if when > PULLED_AT:
            return None  # not answered yet when the store was pulled
        return Reply(text=self.reply_text(board), time=when, reply_id="1")

    def reply_text(self, board: str) -> str:
        source = self.rng.choice(self.tpl.replies)
        return _jitter_numbers(_move_to_board(source.replies[0].text, board), self.rng)

    def case(self, number: int) -> Petition:
        rng, tpl = self.rng, self.tpl
        template = rng.choice(tpl.petitions)
        board = rng.choice(tpl.boards)
        posted = self.posted()
        reply = self.reply(posted, board)
        likes, dislikes = rng.choice(tpl.likes)
        body = _jitter_numbers(_move_to_board(template.body, board), rng)
        title = _jitter_numbers(_move_to_board(template.title, board), rng)
        return replace(
            template,
            source=SOURCE, source_id=str(number), title=title, body=body, board=board,
            posted=posted, author=f"A{rng.randrange(10**7, 10**8):08d}",
            field=template.field or rng.choice(tpl.fields),
            likes=likes, dislikes=dislikes,
            reply_count=1 if reply else 0, replies=[reply] if reply else [],
            places=places(title + "\n" + body), extra={}, seen={},
        )

    def cases(self, count: int, first: int = 1) -> Iterator[Petition]:
        for number in range(first, first + count):
            yield self.case(number)


def build_store(path: Path, count: int, seed: int = SEED, batch: int = BATCH) -> dict:
    """Write ``count`` cases into a fresh store at ``path``; return what was written."""
    from wenzheng_bridge.store import Store

    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    maker = CaseMaker(templates(real_petitions()), seed)
    tally: dict[str, int] = {}
    with Store.open(path) as store:
        with store.batch():
            store.set_field_labels(sample_adapter().labels())
        pending = []
        for petition in maker.cases(count):
            pending.append(petition)
            if len(pending) >= batch:
                _write(store, pending, tally)
                pending = []
        _write(store, pending, tally)
    return tally


def _write(store, petitions: list[Petition], tally: dict) -> None:
    with store.batch():
        for petition in petitions:
            outcome = store.upsert(petition, PULLED_AT)
            tally[outcome] = tally.get(outcome, 0) + 1


def write_newsroom(content: Path, count: int, seed: int = SEED, store: Path | None = None) -> dict:
    """Follow-up records for ~1% of cases and a column article per 500 cases.

    With the ``store`` the cases are in, each case's follow-ups fall between its posting and the
    pull (the build refuses a follow-up dated before the petition it follows).
    """
    from wenzheng_bridge.newsroom.records import Entry, format_line

    rng = random.Random(seed + 1)
    records, articles = content / "newsroom", content / "articles"
    for folder in (records, articles):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
    followed = sorted(rng.sample(range(1, count + 1), max(1, int(count * FOLLOWUP_SHARE))))
    posted = _posted_times(store, [f"{SOURCE}-{n}" for n in followed]) if store else {}
    for number in followed:
        key = f"{SOURCE}-{number}"
        day = PULLED_AT - timedelta(days=rng.randrange(30, 300))
        if key in posted and day <= posted[key]:
            day = posted[key] + (PULLED_AT - posted[key]) / 8
        gap = min(timedelta(days=3), (PULLED_AT - day) / 4)
        who = rng.choice(_REPORTERS)
        steps = [("claimed", "认领跟进"), ("visited", "到现场查看"), ("acted", "部门已派人处理"),
                 ("resolved", "居民确认问题已解决")][: rng.randint(1, 4)]
        lines = [format_line(Entry(case=key, kind=kind, date=day + gap * i, who=who, note=note))
                 for i, (kind, note) in enumerate(steps)]
        (records / f"{key}.txt").write_text(
            f"# 零距离问政 · 案件 {key} 的编辑部记录\n" + "\n".join(lines) + "\n", encoding="utf-8")
    article_count = max(1, count // ARTICLE_EVERY)
    for index in range(article_count):
        named = followed[index * CASES_PER_ARTICLE: (index + 1) * CASES_PER_ARTICLE] or followed[:1]
        date = PULLED_AT - timedelta(days=article_count - index)
        (articles / f"bench-column-{index + 1}.md").write_text(
            f"Title: 零距离问政第 {index + 1} 期：回访居民反映的问题\n"
            f"Date: {date:%Y-%m-%d %H:%M}\n"
            f"Slug: bench-column-{index + 1}\n"
            f"Cases: {', '.join(f'{SOURCE}-{n}' for n in named)}\n\n"
            "本报记者回访了近期居民在网络问政平台反映的问题。\n", encoding="utf-8")
    return {"followed": len(followed), "articles": article_count}


def _posted_times(path: Path, keys: list[str]) -> dict[str, datetime]:
    from wenzheng_bridge.store import Store

    with Store.open(path) as store:
        found = {key: store.petition(key) for key in keys}
    return {key: p.posted for key, p in found.items() if p is not None and p.posted}


#: When the incremental pull happens: a day after the bulk pull, before BENCH_NOW.
CHANGED_AT = PULLED_AT + timedelta(days=1)


def apply_changes(path: Path, count: int = 100, existing: int | None = None, seed: int = SEED) -> list[dict]:
    """An incremental pull of ``count`` cases into the store at ``path``, through Store.upsert.

    Like a real pull: 40% are unanswered cases that got their reply, 30% are
    cases whose resident added to the text and that gained likes, 30% are new
    cases posted in the last days. Returns what changed, case by case.
    """
    from wenzheng_bridge.store import Store

    rng = random.Random(seed + 2)
    maker = CaseMaker(templates(real_petitions()), seed + 2)
    answered, edited = int(count * 0.4), int(count * 0.3)
    added = count - answered - edited
    changes = []
    with Store.open(path) as store:
        existing = existing or store.count()
        waiting = [r[0] for r in store.db.execute(
            "SELECT case_key FROM petitions p WHERE source=? AND NOT EXISTS"
            " (SELECT 1 FROM replies r WHERE r.petition_id = p.id) ORDER BY id", (SOURCE,))]
        to_answer = rng.sample(waiting, min(answered, len(waiting)))
        others = [f"{SOURCE}-{n}" for n in rng.sample(range(1, existing + 1), edited + answered)]
        to_edit = [key for key in others if key not in to_answer][:edited + answered - len(to_answer)]
        with store.batch():
            for key in to_answer:
                petition = store.petition(key)
                petition.replies = [Reply(text=maker.reply_text(petition.board),
                                          time=CHANGED_AT - timedelta(hours=rng.randint(1, 20)), reply_id="1")]
                petition.reply_count = 1
                changes.append({"case": key, "what": "reply", "outcome": store.upsert(petition, CHANGED_AT)})
            for key in to_edit:
                petition = store.petition(key)
                petition.body += "\n补充：问题至今仍未解决，希望有关部门尽快处理。"
                petition.likes = (petition.likes or 0) + rng.randint(1, 20)
                changes.append({"case": key, "what": "edited", "outcome": store.upsert(petition, CHANGED_AT)})
            for number in range(existing + 1, existing + 1 + added):
                petition = maker.case(number)
                petition.posted = CHANGED_AT - timedelta(hours=rng.randint(2, 72))
                petition.replies, petition.reply_count = [], 0
                changes.append({"case": petition.key, "what": "new", "outcome": store.upsert(petition, CHANGED_AT)})
    return changes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int, help="number of cases (e.g. 10000 or 100000)")
    parser.add_argument("--out", type=Path, help="folder for store.sqlite3 and content/ (default bench/work/N)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    out = args.out or ROOT / "bench" / "work" / str(args.count)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    tally = build_store(out / "store.sqlite3", args.count, args.seed)
    newsroom = write_newsroom(out / "content", args.count, args.seed, out / "store.sqlite3")
    print(f"{out / 'store.sqlite3'}: {tally}, newsroom {newsroom}, {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
