"""What the search index is built from: per public case, its searchable text and its character pairs.

A case holds a query string only if it holds each of the string's overlapping
character pairs (bigrams), so the index (site/search_index.py) lists, per
pair, the cases holding it, and the search page (theme/static/js/search.js)
turns a query into the same pairs, intersects their lists (full recall) and
checks each hit against the case's own text, a small JSON file per case
written here, by exact substring, which removes the cases that merely hold the
same pairs. Pairs are taken from each space-free run of the normalised text
(lowercase, white space collapsed).

The pairs and the text normalisation are mirrored in search.js: a change here
needs the same change there (tests/test_search.py checks both on the sample's
queries).
"""
from __future__ import annotations

import json
import re
from typing import NamedTuple
from urllib.parse import quote

from ..dates import cn_date, local
from ..urls import case_url

_SPACE = re.compile(r"\s+")
#: Folder (under the output) of the per-case text files the search page verifies hits against.
TEXT_FOLDER = "search/text"


class Record(NamedTuple):
    """One public case as the search page sees it."""

    key: str
    url: str  # from the site root, "cases/KEY/"
    title: str
    board: str
    status: str
    year: str
    date: str
    department: str
    petition: list[str]
    replies: list[str]

    def texts(self) -> list[str]:
        """Every searchable field (the title first)."""
        return [self.title, *self.petition, *self.replies, self.department]


def normalise(text: str) -> str:
    """Lowercase, with every run of white space one space: what both sides compare."""
    return _SPACE.sub(" ", text or "").strip().lower()


def pairs(text: str) -> set[str]:
    """The overlapping character pairs of each space-free run of the normalised text."""
    return {run[start:start + 2] for run in normalise(text).split(" ") for start in range(len(run) - 1)}


def query_keys(query: str, prefix: str = "b") -> list[str]:
    """The index keys of a query's pairs, in order, each once (search.js ``queryKeys`` mirrors it)."""
    seen: dict[str, None] = {}
    for run in normalise(query).split(" "):
        for start in range(len(run) - 1):
            seen.setdefault(prefix + run[start:start + 2], None)
    return list(seen)


def record(case) -> Record:
    """The search record of a public case (its text is already masked for publication)."""
    p = case.petition
    return Record(
        key=case.key, url=case_url(case.key), title=p.title or "", board=p.board or "未标注",
        status=case.status or "", year=f"{local(p.posted).year}" if p.posted else "",
        date=cn_date(p.posted) if p.posted else "", department=case.department or "",
        petition=[p.body or "", *(more.text or "" for more in p.supplements)],
        replies=[reply.text or "" for reply in p.replies])


def text_path(key: str) -> str:
    """Where a case's text file is, from the site root (URL-safe: keys may hold any character)."""
    return f"{TEXT_FOLDER}/{quote(key, safe='')}.json"


def text_file(rec: Record) -> str:
    """The JSON the search page fetches for a hit: what it verifies, ranks, excerpts and shows."""
    return json.dumps(rec._asdict(), ensure_ascii=False, separators=(",", ":")) + "\n"


def read_record(text: str) -> Record:
    """A record from its text file."""
    return Record(**json.loads(text))
