"""Writing output files so that unchanged pages keep their bytes and mtimes.

A newsroom rebuilds several times a day and syncs the output to a web host:
rewriting 100,000 identical pages would make every sync move everything.
"""
from __future__ import annotations

import os
from pathlib import Path


def write_if_changed(path: Path, data: bytes | str) -> bool:
    """Write ``data`` to ``path`` unless the file already holds exactly it.

    Returns True when the file was written. The write goes through a
    temporary file and a rename, so a reader (or a killed build) never sees
    half a page.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    path = Path(path)
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return True


def relative_root(save_as: str) -> str:
    """The relative URL from the page saved at ``save_as`` back to the site root."""
    depth = save_as.count("/")
    return "/".join([".."] * depth) if depth else "."
