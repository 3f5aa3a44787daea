"""The source adapter contract: what every kind must provide, and what it may.

An adapter is a ``SourceAdapter`` subclass registered under its kind in
``sources.kinds``. It must set ``options`` (its typed settings) and implement
``items(context)``, yielding ``Petition``, ``SourceError`` or ``Gone`` objects.
Every optional part is declared here with its default, so ``pull`` calls them
all alike and a new kind overrides only what differs.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Iterator

from ..config import Option
from ..fetching import Fetcher, Page
from ..records import Gone, Petition, SourceError
from ..store import Store

#: Facts a source may carry; a case view says nothing a source cannot know (no reply data: no
#: "nobody replied"). Keys are what ``knows`` lists; values name them for readers.
FACTS = {"replies": "答复", "reply_times": "答复时间", "departments": "部门", "types": "类型",
         "engagement": "点赞浏览等互动数据"}

Item = Petition | SourceError | Gone


@dataclass
class PullContext:
    """What an adapter may use: fetch state, the polite fetcher, the fetch time."""

    store: Store
    source: dict
    settings: dict
    now: datetime
    _fetcher: Fetcher | None = None

    def state(self, key: str, default: Any = None) -> Any:
        return self.store.get_state(self.source["name"], key, default)

    def set_state(self, key: str, value: Any) -> None:
        self.store.set_state(self.source["name"], key, value, self.now)

    def known(self, source_id: str) -> bool:
        return self.store.known(self.source["name"], source_id)

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            self._fetcher = Fetcher.from_settings(self.settings, self.source)
        return self._fetcher

    def fetch(self, url: str, conditional: bool = False) -> Page:
        """GET ``url`` through the polite fetcher; ``conditional`` sends the validators kept from last time.

        Call ``remember(page)`` only after yielding the items the page covers,
        so the validators are committed in the same batch as those items.
        """
        validators = self.state(f"http:{url}") if conditional else None
        return self.fetcher.get(url, validators=validators)

    def post(self, url: str, content: bytes, content_type: str) -> Page:
        """POST through the polite fetcher (a list API that takes a form or a JSON body)."""
        return self.fetcher.post(url, content, content_type)

    def remember(self, page: Page) -> None:
        """Keep a page's ETag / Last-Modified for the next pull's conditional GET."""
        if page.validators and not page.not_modified:
            self.set_state(f"http:{page.url}", page.validators)

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()


def spokesperson_facts(config: dict, own: frozenset[str]) -> frozenset[str]:
    """What a web board knows: ``own`` facts, plus replies when its spokesperson accounts are named
    (and threads are read), plus departments when those accounts name their units."""
    spokes = config.get("spokespersons") or {}
    if not spokes or config.get("full_text") == "never":
        return own
    facts = own | {"replies", "reply_times"}
    return facts | {"departments"} if isinstance(spokes, dict) and any(spokes.values()) else facts


class SourceAdapter:
    """Base of every source kind; the class attributes and methods below are the whole contract."""

    #: The kind's own settings (beside ``sources.settings.COMMON_OPTIONS``). Required.
    options: ClassVar[dict[str, Option]] = {}
    #: Record fields the kind always reads as HTML (others are plain text unless declared).
    html_fields: ClassVar[tuple[str, ...]] = ()
    #: Each pull lists every case the source still has, so what it no longer lists has gone.
    #: False: absence means nothing (a feed's newest items, a walk that stops early);
    #: such a kind reports a vanished case by yielding ``Gone``.
    snapshot: ClassVar[bool] = False

    def __init__(self, config: dict, base: Path):
        self.config = config
        self.name: str = config["name"]
        self.base = base

    @staticmethod
    def check(values: dict, base: Path) -> list[str]:
        """Kind-specific problems of a validated entry (files exist, URLs parse); none by default."""
        return []

    @classmethod
    def knows(cls, config: dict) -> frozenset[str]:
        """The FACTS an entry of this kind carries when its ``knows`` option is not set: all by default."""
        return frozenset(FACTS)

    def labels(self) -> list[tuple[str, str, str]] | None:
        """The field tree (一级, 二级, 三级分类) this source provides for the store; None: it has none."""
        return None

    def items(self, context: PullContext) -> Iterator[Item]:
        """Every record of this pull, in the order they should be stored."""
        raise NotImplementedError
