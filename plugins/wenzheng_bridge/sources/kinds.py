"""The source kinds: the one place each ``kind`` of WENZHENG_SOURCES is registered.

A plugin adds a kind the same way: ``SOURCE_KINDS.register(name, AdapterClass, doc)``
with a ``sources.base.SourceAdapter`` subclass, before the settings are validated.
"""
from __future__ import annotations

from ..registry import ExtensionPoint
from .base import SourceAdapter
from .feed import FeedSource
from .forum import ForumSource
from .jsonapi import JsonApiSource
from .offline import OfflineSource
from .table import TableSource

SOURCE_KINDS: ExtensionPoint[type[SourceAdapter]] = ExtensionPoint("来源类型", "kind -> its adapter class")
SOURCE_KINDS.register("table", TableSource, "CSV / XLSX exports of a platform, each a full snapshot")
SOURCE_KINDS.register("feed", FeedSource, "RSS / Atom feeds, Discuz! thread pages opened for the full text")
SOURCE_KINDS.register("forum", ForumSource, "Discuz! X3.4 boards walked list page by list page")
SOURCE_KINDS.register("json", JsonApiSource, "a platform's JSON list API, walked down to a watermark")
SOURCE_KINDS.register("offline", OfflineSource, "offline event records (问政进社区) kept as a table")
