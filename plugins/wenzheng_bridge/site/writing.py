"""Writing output files so that unchanged pages keep their bytes and mtimes.

A newsroom rebuilds several times a day and syncs the output to a web host:
rewriting 100,000 identical pages would make every sync move everything.
"""
from __future__ import annotations

import os
from pathlib import Path


def write_if_changed(path: Path, data: bytes | str) -> bool:
    """Write ``data`` to ``path`` unless the file already holds exactly it.

    Returns True when the file was written. Replacing an existing file goes
    through a temporary file and a rename, so a reader of a published folder
    never sees half a page; a new file is written directly (nothing links to
    it yet, and a killed build's partial file differs, so the next build
    rewrites it).
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    path = Path(path)
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        _write_new(path, data)
        return True
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return True


def _write_new(path: Path, data: bytes) -> None:
    # Written first, the folder made only when missing: a new page in an existing folder costs no
    # mkdir call, and no list of made folders is kept (one may go away between builds anyway).
    try:
        path.write_bytes(data)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def relative_root(save_as: str) -> str:
    """The relative URL from the page saved at ``save_as`` back to the site root."""
    depth = save_as.count("/")
    return "/".join([".."] * depth) if depth else "."
