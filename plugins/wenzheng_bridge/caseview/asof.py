"""As of when: the build's "now" and the last pull, said beside every clock and figure (数据截至)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..config import CoreSettings
from ..dates import iso_minute
from ..records import from_iso
from ..store import Store
from .view import build_now


@dataclass(frozen=True)
class AsOf:
    now: datetime  # every clock and figure is measured to this moment
    last_pull: datetime | None = None  # the newest finished pull of any source
    pulls: dict[str, datetime] = field(default_factory=dict)  # source -> its last finished pull

    def text(self) -> str:
        """``数据截至 2020-01-10 09:00（最近一次抓取 2026-12-01 13:15）`` in Asia/Shanghai."""
        pulled = f"（最近一次抓取 {iso_minute(self.last_pull)}）" if self.last_pull else \
            "（尚无抓取记录）"
        return f"数据截至 {iso_minute(self.now)}{pulled}"


def as_of(settings: dict, now: datetime | None = None) -> AsOf:
    """The build's now and the store's pull times (none when there is no store yet)."""
    now = build_now(settings, now)
    path = CoreSettings.of(settings).store_path
    pulls: dict[str, datetime] = {}
    if path.exists():
        with Store.open(path, readonly=True) as store:
            pulls = {source: at for source, when in store.last_pulls().items() if (at := from_iso(when))}
    return AsOf(now, max(pulls.values(), default=None), pulls)
