"""The static search index: which public cases hold each character pair.

The search page must find every case holding a query string (full recall).
A case holds the string only if it holds every overlapping character pair of
it, so the index maps each pair to the cases holding it; the page intersects
the lists of a query's pairs and checks each candidate against the case's own
text by exact substring (theme/static/js/search.js). Title pairs have lists
of their own (titles rank first), and so has each filter value (board, status,
year).

Files, under ``search/index/`` of the output (all JSON, written only when
their bytes change, ``meta.json`` last):

- ``meta.json``: the format, the case count, the bucket count, the case-list
  chunk size and every filter's values with their case counts;
- ``pairs/NNNN.json``: one bucket of lists, ``{"b公积": [3, 2, 40], ...}``;
  a key is ``b`` + pair (any field), ``t`` + pair (the title) or
  ``f`` + name + ``=`` + value; a list holds case numbers in ascending order,
  each written as its difference from the one before (smaller files). A pair's
  ``b`` and ``t`` lists share a bucket: CRC-32 of the pair's UTF-8 bytes
  modulo the bucket count (CRC-32 of the whole key for a filter);
- ``keys/NNNN.json``: case numbers to text files, ``chunk`` cases a file.

Cases are numbered by posting time, oldest first, so a pull's new posts take
new numbers at the end and the lists and case-list files of older cases keep
their bytes. The index is a pure function of the public cases: an updated
index is byte-identical to one built from nothing.

Why not Pagefind (used before, measured in bench/RESULTS-search.md): its
segmenter only finds a page's dictionary words, so it was fed the same pairs
as tokens; then it was the slowest step of a publish (35 s at 10,000 cases,
1.1 GB a shard, and every shard rebuilt after a pull), and a fresh search page
waited about a second for one WebAssembly module and metadata file per shard.
Here the page fetches ``meta.json``, one bucket per pair of the query and the
text files of the first hits.
"""
from __future__ import annotations

import json
import math
import os
import re
import zlib
from array import array
from pathlib import Path
from typing import Callable, Iterable

from .search_source import Record, pairs, text_path
from .writing import write_if_changed

#: Folder of the index under the output folder.
FOLDER = "search/index"
FORMAT = 1
#: Postings a bucket holds on average: about 30 KB of JSON, a query fetches one per pair.
BUCKET_POSTINGS = 8_192
MIN_BUCKETS = 16
#: Cases per case-list file (a hit's text file is found through one of these).
CHUNK = 1_000
FILTERS = ("board", "status", "year")
_DIGITS = re.compile(r"\d+")


def keys_of(rec: Record, value: Callable[[str], str]) -> set[str]:
    """Every index key of a case: its pairs anywhere, its title's pairs, its filter values."""
    found = {"b" + pair for text in rec.texts() for pair in pairs(text)}
    found.update("t" + pair for pair in pairs(rec.title))
    found.update(filter_key(name, value(getattr(rec, name))) for name in FILTERS if getattr(rec, name))
    return found


def filter_key(name: str, value: str) -> str:
    return f"f{name}={value}"


def bucket_of(key: str, buckets: int) -> int:
    """The bucket of a key: a pair's ``b`` and ``t`` lists go together (search.js computes the same)."""
    hashed = key[1:] if key[0] in "bt" else key
    return zlib.crc32(hashed.encode("utf-8")) % buckets


def bucket_count(postings: int) -> int:
    """A power of two near postings / BUCKET_POSTINGS (a site's growth changes it in doublings)."""
    return max(MIN_BUCKETS, 1 << max(0, math.ceil(math.log2(max(postings, 1) / BUCKET_POSTINGS))))


def posting_order(rec: Record) -> tuple:
    """Oldest first, then by key: the numbers of a site's older cases stay as new posts arrive."""
    return tuple(int(part) for part in _DIGITS.findall(rec.date)), rec.key


def index_files(records: Iterable[Record], value: Callable[[str], str]) -> dict[str, str]:
    """Every file of the index of these cases: path under FOLDER -> its JSON text."""
    ordered = sorted(records, key=posting_order)
    lists: dict[str, array] = {}
    counts: dict[str, dict[str, int]] = {name: {} for name in FILTERS}
    for number, rec in enumerate(ordered):
        for key in keys_of(rec, value):
            found = lists.get(key)
            if found is None:
                found = lists[key] = array("I")
            found.append(number)
        for name in FILTERS:
            if getattr(rec, name):
                shown = value(getattr(rec, name))
                counts[name][shown] = counts[name].get(shown, 0) + 1
    buckets = bucket_count(sum(map(len, lists.values())))
    files = _bucket_files(lists, buckets)
    for start in range(0, len(ordered), CHUNK):
        files[f"keys/{start // CHUNK:04d}.json"] = _json([text_path(rec.key) for rec in ordered[start:start + CHUNK]])
    files["meta.json"] = _json({"format": FORMAT, "cases": len(ordered), "buckets": buckets, "chunk": CHUNK,
                                "filters": {name: dict(sorted(values.items())) for name, values in counts.items()}})
    return files


def _bucket_files(lists: dict[str, array], buckets: int) -> dict[str, str]:
    grouped: list[list[str]] = [[] for _ in range(buckets)]
    for key in lists:
        grouped[bucket_of(key, buckets)].append(key)
    files = {}
    for number, keys in enumerate(grouped):
        body = {key: _deltas(lists[key]) for key in sorted(keys)}
        files[f"pairs/{number:04d}.json"] = _json(body)
    return files


def _deltas(numbers: array) -> list[int]:
    previous, out = 0, []
    for number in numbers:
        out.append(number - previous)
        previous = number
    return out


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_index(folder: Path, files: dict[str, str]) -> dict:
    """Write the index files into ``folder``: changed files, then meta.json, then drop the rest.

    Returns how many files were new or changed and how many were removed.
    """
    changed = 0
    for name in sorted(files, key=lambda name: name == "meta.json"):
        changed += write_if_changed(folder / name, files[name])
    removed = 0
    for path in sorted(folder.rglob("*.json")) if folder.is_dir() else ():
        if path.relative_to(folder).as_posix() not in files:
            path.unlink()
            removed += 1
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        if path.is_dir() and not any(path.iterdir()):
            os.rmdir(path)
    return {"changed": changed, "removed": removed}
