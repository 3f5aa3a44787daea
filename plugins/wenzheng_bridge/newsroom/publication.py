"""Which publication and column a column article appeared in (``Publication:``, ``Column:`` metadata).

One site can carry several columns, even of several papers: an article names its own, and one
that names none takes WENZHENG_PUBLICATION and WENZHENG_COLUMN. Case pages (本报报道) and the
article's own page show them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..config import LayerSettings, Option

OPTIONS: dict[str, Option] = {
    "WENZHENG_PUBLICATION": Option(str, "本报", "publication of a column article without Publication: metadata "
                                   "(e.g. 《梧州日报》)"),
    "WENZHENG_COLUMN": Option(str, "零距离问政", "column of a column article without Column: metadata"),
}


@dataclass(frozen=True)
class PublicationSettings(LayerSettings):
    OPTIONS = OPTIONS

    publication: str
    column: str


def name_publications(articles: Iterable, settings: dict) -> list:
    """Set ``article.wenzheng_publication`` and ``article.wenzheng_column`` (metadata, else the settings)."""
    options = PublicationSettings.of(settings)
    articles = list(articles)
    for article in articles:
        metadata = getattr(article, "metadata", {}) or {}
        article.wenzheng_publication = str(metadata.get("publication") or options.publication).strip()
        article.wenzheng_column = str(metadata.get("column") or options.column).strip()
    return articles
