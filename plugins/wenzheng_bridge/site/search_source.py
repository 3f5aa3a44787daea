"""What the search index is fed: per case, its searchable text as overlapping character pairs.

Pagefind's Chinese segmenter splits text into dictionary words, so a query
that is not one of the page's words finds nothing (公积金 matched 公路, 公司,
金城) and a word inside another word is missed. Here every case is given to
Pagefind as its overlapping character pairs (bigrams) of title, petition,
replies and department, each pair written as one lowercase-ASCII token that
no segmenter splits and no stemmer changes. The search page (theme/static/js/
search.js) turns a query into the same tokens, so every case holding the query
string holds all of its tokens and is found (full recall); it then checks each
hit against the case's own text (a small JSON file per case, written here) by
exact substring, which removes the pages that merely hold the same pairs.

Title pairs are also written with a prefix of their own, so the page can ask
first for the cases whose title holds the query (they rank first).

The encoding, the pairs and the text normalisation are mirrored in search.js:
a change here needs the same change there (tests/test_search.py checks both
on the sample's queries).
"""
from __future__ import annotations

import json
import re
from html import escape
from typing import Iterable, NamedTuple
from urllib.parse import quote

from ..dates import cn_date, local
from ..urls import case_url

#: Token prefixes: body pairs (every field) and title pairs.
BODY, TITLE = "b", "t"
#: Hex digits written as letters a-p: a token is letters only (no letter/digit split, no stemming).
_HEX_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")
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


def char_code(char: str) -> str:
    """One character as six letters (its code point in hex, digits written a-p)."""
    return format(ord(char), "06x").translate(_HEX_LETTERS)


def bigrams(text: str) -> list[str]:
    """The overlapping character pairs of each space-free run, in order, repeats kept once."""
    pairs: dict[str, None] = {}
    for run in normalise(text).split(" "):
        for start in range(len(run) - 1):
            pairs.setdefault(run[start:start + 2], None)
    return list(pairs)


def token(pair: str, prefix: str = BODY) -> str:
    return prefix + "".join(char_code(char) for char in pair)


def tokens(texts: Iterable[str], prefix: str = BODY) -> list[str]:
    """The distinct tokens of the pairs of all these texts."""
    seen: dict[str, None] = {}
    for text in texts:
        for pair in bigrams(text):
            seen.setdefault(token(pair, prefix), None)
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


def index_page(rec: Record, value) -> str:
    """The page Pagefind indexes for a case: tokens only, its filters, and where its text is.

    ``value`` makes a filter value safe for Pagefind (site.search.index_value).
    Title tokens sit in the heading, so Pagefind also weights them higher.
    """
    def attr(text: str) -> str:
        return escape(text, quote=True)

    title = " ".join(tokens([rec.title], TITLE) + tokens([rec.title]))
    body = " ".join(tokens(rec.texts()[1:]))
    filters = "".join(f'<span data-pagefind-filter="{name}:{attr(value(text))}"></span>'
                      for name, text in (("board", rec.board), ("status", rec.status), ("year", rec.year))
                      if text)
    return (f'<!doctype html><html lang="zh-cn"><head><meta charset="utf-8"><title>{attr(rec.key)}</title>'
            f'</head><body><main data-pagefind-body>'
            f'<h1 data-pagefind-meta="text:{attr(text_path(rec.key))}">{title}</h1>'
            f'<p>{body}</p>{filters}</main></body></html>\n')
