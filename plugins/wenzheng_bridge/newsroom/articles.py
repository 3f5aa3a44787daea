"""Column articles linked to cases through their ``Cases:`` metadata.

An article (or a draft) names the cases it covers::

    Cases: tipdm-360100, tipdm-360101

At build time the site generator hands Pelican's articles to
``records.load``, which checks each name against the store, sets
``article.wenzheng_cases`` (so the theme can show a box per case) and turns
published articles into ``ArticleRef`` entries (已见报 on the case timeline).
The commands, running outside a build, read the same files with Pelican's own
readers (``read_articles``) so both see the same articles.
"""
from __future__ import annotations

import copy
import logging
import re
from datetime import datetime
from pathlib import Path
from typing import Iterable

from ..records import SHANGHAI, ArticleRef
from .caseindex import CaseIndex, RecordError, content_dir

logger = logging.getLogger(__name__)
_SPLIT_CASES = re.compile(r"[\s,，、;；]+")


def give_category(content) -> None:
    """Signal ``content_object_init``: every article gets a category (DEFAULT_CATEGORY) if it names none.

    This site turns category pages off (CATEGORY_SAVE_AS = ""), and then Pelican's readers
    assign no default; but Pelican writes every draft with its category, so a hand-written
    draft without ``Category:`` (or a held article) would stop the development build.
    """
    from pelican.contents import Article
    from pelican.urlwrappers import Category

    if isinstance(content, Article) and not hasattr(content, "category"):
        content.category = Category(content.settings.get("DEFAULT_CATEGORY") or "misc", content.settings)


def case_names(article) -> list[str]:
    """The case keys an article's ``Cases:`` metadata names, as written."""
    raw = getattr(article, "metadata", {}).get("cases") or ""
    if isinstance(raw, (list, tuple)):
        raw = ",".join(raw)
    return [name for name in _SPLIT_CASES.split(str(raw)) if name]


def metadata_line(path: str, name: str) -> int | None:
    """Line of the ``Cases:`` field in the article's file, so the error points at it."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for number, line in enumerate(lines, start=1):
        if line.lower().startswith("cases:") and name in line:
            return number
    return None


def attach_cases(articles: Iterable, index: CaseIndex) -> list:
    """Set ``article.wenzheng_cases`` (resolved keys) on every article.

    An article naming a case the store does not have is a warning naming the
    article and the case; the name is left out and the build goes on.
    """
    articles = list(articles)
    for article in articles:
        keys = []
        for name in case_names(article):
            key = index.resolve(name)
            if key is None:
                path = getattr(article, "source_path", "?")
                error = RecordError(path, metadata_line(path, name), "Cases", index.explain(name))
                # The bundled article names sample cases: another store must not stop stats or the build.
                logger.warning("专栏文章 %s 提到的案件 %s 不在数据库中，已略过（其余照常构建）：%s", path, name, error)
                continue
            if key not in keys:
                keys.append(key)
        article.wenzheng_cases = keys
    return articles


def article_refs(articles: Iterable) -> dict[str, list[ArticleRef]]:
    """case -> published column articles naming it (drafts do not count for 已见报)."""
    refs: dict[str, list[ArticleRef]] = {}
    for article in articles:
        if getattr(article, "status", "published") != "published":
            continue
        date = getattr(article, "date", None)
        if isinstance(date, datetime) and date.tzinfo is None:
            date = date.replace(tzinfo=SHANGHAI)
        ref = ArticleRef(title=str(article.title), url=article.url, date=date, status="published",
                         slug=getattr(article, "slug", ""), publication=getattr(article, "wenzheng_publication", ""),
                         column=getattr(article, "wenzheng_column", ""))
        for key in getattr(article, "wenzheng_cases", []):
            refs.setdefault(key, []).append(ref)
    for items in refs.values():
        items.sort(key=lambda r: r.date or datetime.min.replace(tzinfo=SHANGHAI))
    return refs


def read_articles(settings: dict) -> list:
    """The articles Pelican would read (ARTICLE_PATHS minus ARTICLE_EXCLUDES), drafts included.

    For the commands: a build gets them from Pelican's ArticlesGenerator instead.
    """
    from pelican.contents import Article
    from pelican.readers import Readers
    from pelican.settings import DEFAULT_CONFIG

    base = content_dir(settings)
    # The commands read pelicanconf.py without Pelican's defaults; the readers need them.
    settings = {**copy.deepcopy(DEFAULT_CONFIG), **settings, "PATH": str(base)}
    # Docutils warns that it has no zh localisation on every run; the column is Markdown.
    logging.getLogger("pelican.readers").setLevel(logging.ERROR)
    readers = Readers(settings)
    excluded = [base / name for name in settings.get("ARTICLE_EXCLUDES", [])]
    articles = []
    for folder in settings.get("ARTICLE_PATHS", [""]):
        root = base / folder
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if (not path.is_file() or path.suffix.lstrip(".") not in readers.extensions
                    or any(path.is_relative_to(x) for x in excluded)):
                continue
            articles.append(readers.read_file(base_path=str(base), path=str(path.relative_to(base)),
                                              content_class=Article, context={"localsiteurl": ""}))
    return articles

