"""wenzheng_bridge: a Pelican plugin that turns 网络问政 petitions into a newsroom site.

Data flows one way: sources -> store -> case view -> budget / drafts / site ->
search index. See DESIGN.md beside the project for the map.
"""
from __future__ import annotations

import functools
import logging

__version__ = "0.1.0"
log = logging.getLogger(__name__)


def user_errors(hook):
    """A Pelican hook whose WenzhengError ends the build with one Chinese message and exit status 2.

    Pelican itself would log any exception with its traceback; the user's
    mistake (a bad setting, a locked store, a leak) needs only the message.
    With ``pelican -D`` the error goes on to Pelican, traceback and all.
    """
    from .errors import WenzhengError

    @functools.wraps(hook)
    def guarded(*args, **kwargs):
        try:
            return hook(*args, **kwargs)
        except WenzhengError as error:
            if logging.getLogger("pelican").isEnabledFor(logging.DEBUG):
                raise
            log.critical("零距离问政：构建中止。%s", error)
            raise SystemExit(2) from None

    return guarded


@user_errors
def check_settings(pelican) -> None:
    """Fail at start, naming every bad WENZHENG_* key, before any page is written."""
    from .settings import wenzheng_settings

    pelican.settings.update(wenzheng_settings(pelican.settings, pelican.settings.get("WENZHENG_BASE")))
    # Pages show text from residents and departments: escape everything unless a
    # template says |safe (only for the editors' own Markdown and sanitised HTML).
    pelican.settings["JINJA_ENVIRONMENT"] = {**pelican.settings.get("JINJA_ENVIRONMENT", {}), "autoescape": True}
    from .site.filters import FILTERS

    pelican.settings["JINJA_FILTERS"] = {**FILTERS, **pelican.settings.get("JINJA_FILTERS", {})}
    # A global, not a context variable: the macros that print a figure's sources are imported
    # without the page's context, and readers must see a source's title, never its internal name.
    from .sources.settings import public_titles

    titles = public_titles(pelican.settings.get("WENZHENG_SOURCES") or [])
    pelican.settings["JINJA_GLOBALS"] = {**pelican.settings.get("JINJA_GLOBALS", {}), "SOURCE_TITLES": titles}


def get_generators(pelican):
    """Cases come from the store, not from Markdown files, so they need their own generator."""
    from .site.generator import CaseGenerator

    class GuardedCaseGenerator(CaseGenerator):
        generate_context = user_errors(CaseGenerator.generate_context)
        generate_output = user_errors(CaseGenerator.generate_output)
        # Connected to ``finalized`` by generate_output, for the search index and output checks.
        finalize = user_errors(CaseGenerator.finalize)

    return GuardedCaseGenerator


def register() -> None:
    from pelican import signals

    # initialized: the earliest point with settings read, so a bad config stops the build at once.
    signals.initialized.connect(check_settings)
    # get_generators: 95k cases as Markdown articles would be slow and flood categories and feeds.
    signals.get_generators.connect(get_generators)
    # content_object_init: editors' Markdown quotes residents; its HTML passes nh3 like all source text.
    from .trust.sanitize import sanitize_content

    signals.content_object_init.connect(sanitize_content)
    # content_object_init too: category pages are off here, so Pelican assigns no default category,
    # yet it writes drafts with one; an article without Category: would stop the build.
    from .newsroom.articles import give_category

    signals.content_object_init.connect(give_category)
    # article_generator_pretaxonomy: before categories and feeds, so a column article naming a
    # gated case (举报, 待审) never reaches the column page or its feed.
    from .newsroom.review import hold_gated_articles

    # weak=False: the guarded wrapper has no other reference to keep it alive.
    signals.article_generator_pretaxonomy.connect(user_errors(hold_gated_articles), weak=False)
    # get_writer: Pelican's own pages keep their mtime when their bytes did not change.
    signals.get_writer.connect(get_writer)
    # feed_generated: the column's feed gets absolute links and tag: ids in a development build too.
    from .site.column_feed import absolute_column_feed

    signals.feed_generated.connect(absolute_column_feed)


def get_writer(pelican):
    from .site.keeping_writer import KeepingWriter

    return KeepingWriter
