"""Explicit, stable URL slugs for boards, departments, types, fields and statuses.

Pelican's transliteration guesses a reading for each character and misreads
some (安宁区 became ``an-zhu-qu``), and a reading can change with the
library's version, which would move every URL. Slugs here are derived by a
fixed rule instead, never from a pronunciation:

1. an explicit slug from ``WENZHENG_SLUGS`` (name -> slug) wins;
2. else a built-in one (the four petition types, the statuses);
3. else a name that is already a slug (lowercase ASCII letters, digits and
   single ``-``) is kept as it is (``A市`` is not);
4. else the name's ASCII letters and digits (lowercased, the anonymised
   place code of the sample data such as ``a1`` in ``A1区``) joined by ``-``
   to the first 6 hex digits of the SHA-1 of the UTF-8 name, or 8 hex digits
   when the name has no ASCII at all (``城乡建设`` -> ``4101444f``); the ASCII part
   is cut to ``MAX_CODE`` characters, so a long name never makes a file name too
   long for the file system (255 bytes) — the hash still tells names apart. An ASCII
   name that is not a slug (``Board 7``) gets the same treatment
   (``board-7-…``), so it can never take the slug of a name that is one.

The hash part keeps ``A1区`` and ``A1县`` apart and never changes for a name.

Personal data never reaches an address: the rule works on the name as masked
(``trust.masking.mask``; names reach here masked already, this holds for any
caller), and a name that needed masking gets the hash alone (``市住建局13812345678``
-> 8 hex digits, not ``138-5678-…``). The hash is of the masked name: a hash of the
number itself could be reversed by trying every number.
"""
from __future__ import annotations

import hashlib
import re

from ..caseview.model import STATUSES
from ..trust.masking import mask

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ASCII_RUN = re.compile(r"[A-Za-z0-9]+")

#: Built-in slugs: the petition types and the derived statuses.
BUILTIN: dict[str, str] = {
    "建议": "suggestion",
    "咨询": "question",
    "举报": "report",
    "诉求": "complaint",
    **STATUSES,
}
#: At most this many characters of a name's ASCII letters and digits in its slug.
MAX_CODE = 40
#: Slug of an empty name (a case without department or field).
UNKNOWN = "unknown"


def derived_slug(name: str) -> str:
    """The rule-based slug of ``name`` (steps 3 and 4 above)."""
    name = mask(name.strip())
    if not name:
        return UNKNOWN
    if SLUG_RE.fullmatch(name) and len(name) <= MAX_CODE:
        return name
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()
    code = "" if "*" in name else "-".join(run.lower() for run in _ASCII_RUN.findall(name))[:MAX_CODE].rstrip("-")
    return f"{code}-{digest[:6]}" if code else digest[:8]


class Slugs:
    """Slug lookup with the newsroom's overrides; cached, since every case asks."""

    def __init__(self, overrides: dict[str, str] | None = None):
        self._table = {**BUILTIN, **(overrides or {})}

    def __call__(self, name: str) -> str:
        slug = self._table.get(name)
        if slug is None:
            slug = self._table[name] = derived_slug(name)
        return slug
