"""Pelican's Writer, keeping the modification time of pages whose bytes did not change.

Pelican rewrites its own pages (home, column articles, archives, the column
feed) on every build. The generator's pages already skip identical bytes
(``writing.write_if_changed``); for Pelican's, this writer remembers the old
bytes and mtime before Pelican opens a file and, once Pelican has written it,
puts the old mtime back when the bytes are the same, so a sync to the web host
moves only what changed.
"""
from __future__ import annotations

import os
from datetime import datetime, timezone

from pelican.writers import Writer

#: The <updated> of a feed with no entry. feedgenerator would put the build's clock there, so
#: an empty column feed changed on every build (a rewrite, and a full build differing from an
#: incremental one); nothing in it was ever updated, so a fixed instant says the truth.
EMPTY_FEED_UPDATED = datetime(1970, 1, 1, tzinfo=timezone.utc)


class KeepingWriter(Writer):
    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self._pending: list[tuple[str, bytes, int, int]] = []

    def _open_w(self, filename, encoding, override=False):
        before = _snapshot(filename)
        if before:
            self._pending.append((filename, *before))
        return super()._open_w(filename, encoding, override)

    def write_file(self, *args, **kwargs):
        try:
            return super().write_file(*args, **kwargs)
        finally:
            self._restore()

    def write_feed(self, *args, **kwargs):
        try:
            return super().write_feed(*args, **kwargs)
        finally:
            self._restore()

    def _create_new_feed(self, *args, **kwargs):
        feed = super()._create_new_feed(*args, **kwargs)
        latest = feed.latest_post_date
        feed.latest_post_date = lambda: latest() if feed.items else EMPTY_FEED_UPDATED
        return feed

    def _restore(self) -> None:
        pending, self._pending = self._pending, []
        restore_unchanged(pending)


def restore_unchanged(snapshots) -> None:
    """Put back the old mtime of every file rewritten since its snapshot with the same bytes."""
    for filename, old, atime, mtime in snapshots:
        try:
            if os.path.getsize(filename) == len(old):
                with open(filename, "rb") as new:
                    if new.read() == old:
                        os.utime(filename, ns=(atime, mtime))
        except FileNotFoundError:
            continue


def snapshot_folder(folder) -> list[tuple[str, bytes, int, int]]:
    """Snapshots of every file under ``folder`` (Pelican copies the theme's static files
    with a new mtime on every build; ``restore_unchanged`` undoes that)."""
    snapshots = []
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            if before := _snapshot(path):
                snapshots.append((path, *before))
    return snapshots


def _snapshot(filename) -> tuple[bytes, int, int] | None:
    try:
        stat = os.stat(filename)
        with open(filename, "rb") as old:
            return old.read(), stat.st_atime_ns, stat.st_mtime_ns
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
