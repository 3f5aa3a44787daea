"""Making source text fit for output: plain text kept as text and masked; HTML cleaned by nh3.

Text is text and HTML is HTML (DESIGN.md, trust rules). Each source adapter
declares which of its input fields carry HTML (``html_fields``) and turns them
into text once, when it reads them (``sources.common.html_to_text``, one nh3
parse, entities decoded once; Discuz! thread pages through their own parser).
The store therefore holds plain text in every field, and this module is the
ONE step every output goes through:

- ``prepare_petition`` masks personal data in each text field and tidies
  whitespace. It never strips ``<``, ``&`` or anything that looks like markup:
  a resident who typed ``<b>“原则上”</b>`` sees exactly that. Every writer
  escapes text where it writes it: Jinja autoescape in the theme (no template
  marks source text ``|safe``), the XML/JSON/CSV writers of feeds and exports,
  and the search index's filter values (site/search.py), which carry no
  markup characters at all.
- ``sanitize_html`` is for the rare output that keeps source formatting as HTML.
- ``spreadsheet_cell`` keeps a CSV cell from being read as a formula.
- ``safe_url`` keeps only http(s) links, because autoescape does not stop a
  ``javascript:`` URL placed in an ``href``; ``public_url`` also drops a link
  that carries personal data.
- ``sanitize_content`` (signal ``content_object_init``) cleans the HTML Pelican
  renders from the editors' Markdown: column articles quote residents (drafts
  are made from cases), and Markdown turns ``[看这里](javascript:…)`` in a quote
  into a live link. The theme shows that HTML with ``|safe``, so it is cleaned
  here, with an allowlist wide enough for ordinary articles (no embeds, no
  scripts, no event attributes, links and images over http(s) or relative).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Mapping
from urllib.parse import unquote, urlsplit

import nh3

from ..records import Petition
from ..sources.common import DROPPED_WITH_CONTENT, clean_text, html_to_text  # noqa: F401 (html_to_text: part of this API)
from .masking import DEFAULT, Options, find, mask, writer_names_in
from .settings import TrustSettings

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote"}
ARTICLE_TAGS = ALLOWED_TAGS | {
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "u", "s", "del", "ins", "sub", "sup", "q", "cite", "dl", "dt",
    "dd", "a", "img", "figure", "figcaption", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "code", "pre", "kbd", "span", "div", "abbr", "small", "mark", "time",
}
ARTICLE_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang"},
    "a": {"href"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"}, "ol": {"start"}, "time": {"datetime"}, "abbr": set(),
}


def sanitize_html(fragment: str) -> str:
    """Safe HTML fragment: only harmless formatting tags, no attributes, no scripts.

    ``"*": set()``, not ``{}``: an empty mapping leaves nh3's generic attributes (``title``,
    ``lang``) allowed on every tag (found by a surviving mutant, issue 20).
    """
    return nh3.clean(fragment or "", tags=ALLOWED_TAGS, clean_content_tags=DROPPED_WITH_CONTENT,
                     attributes={"*": set()}, url_schemes=set())


def sanitize_article_html(fragment: str) -> str:
    """Editors' rendered Markdown, cleaned: formatting, tables, links and images kept; no active content.

    Relative links (Pelican's ``{filename}``/``{static}`` placeholders) pass through.
    """
    return nh3.clean(fragment or "", tags=ARTICLE_TAGS, clean_content_tags=DROPPED_WITH_CONTENT,
                     attributes=ARTICLE_ATTRIBUTES, url_schemes={"http", "https", "mailto"})


def sanitize_content(content) -> None:
    """Pelican signal ``content_object_init``: clean an article's or page's HTML (and summary) in place."""
    if getattr(content, "_content", None):
        content._content = sanitize_article_html(content._content)
    summary = content.metadata.get("summary") if hasattr(content, "metadata") else None
    if summary:
        content.metadata["summary"] = sanitize_article_html(summary)
        if hasattr(content, "_summary"):
            content._summary = content.metadata["summary"]


def safe_url(url: str) -> str:
    """The URL if it is an absolute http(s) link, else "" (javascript:, data:, vbscript: …)."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def public_url(url: str) -> str:
    """``safe_url``, and "" when the link holds personal data (…?tel=13812345678, %E6%9C%AC%E4%BA%BA…).

    Dropped, not masked: a masked address leads nowhere, and the case page names its source anyway.
    """
    url = safe_url(url)
    return "" if url and (find(url) or find(unquote(url))) else url


#: A spreadsheet reads a cell starting with one of these as a formula (=HYPERLINK(…), +cmd|…, @SUM…).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value):
    """A CSV cell that Excel or WPS shows as text: a text starting like a formula gets a leading ``'``.

    OWASP's advice for CSV injection; numbers and empty cells pass unchanged.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def plain_text(value: str) -> str:
    """A plain-text field as it is: whitespace tidied, never stripped of ``<``, ``&`` or anything else.

    Every writer escapes it where it is written (Jinja autoescape, the XML/JSON/CSV
    writers, the search index's filter values: site/search.py).
    """
    return clean_text(value)


def output_text(value: str, options: Options = DEFAULT) -> str:
    """A plain-text field made fit for any output: masked, kept as text (escaped by each writer)."""
    return mask(plain_text(value), options=options)


def prepare_petition(petition: Petition, settings: Mapping | TrustSettings | None = None) -> Petition:
    """A copy of the petition fit for output: every text a source gave kept as text, and masked.

    Every field that leaves the store is masked, names of boards, departments and units too
    (a phone number in a department name would reach page addresses). A name the petition
    gives as its writer's (本人杨均) is masked wherever it recurs, in the replies too; a
    reply keeps the office contact it gives (masking.office_contact), and numbers listed in
    WENZHENG_PUBLIC_NUMBERS stay everywhere.
    """
    public = TrustSettings.of(settings).public_digits
    names = frozenset().union(*(writer_names_in(plain_text(t)) for t in (
        petition.title, petition.body, *(s.text for s in petition.supplements))))
    text = Options(public_numbers=public, names=names)
    own = replace(text, find_names=False)  # title and body: their names are ``names`` already
    reply = replace(text, reply=True)
    return replace(
        petition,
        title=output_text(petition.title, own),
        body=output_text(petition.body, own),
        author=output_text(petition.author, text),
        board=output_text(petition.board, text),
        department=output_text(petition.department, text),
        field=output_text(petition.field, text),
        state=output_text(petition.state, text),
        url=public_url(petition.url),
        places=[output_text(p, text) for p in petition.places],
        replies=[replace(r, text=output_text(r.text, reply), unit=output_text(r.unit, text),
                         author=output_text(r.author, text)) for r in petition.replies],
        supplements=[replace(s, text=output_text(s.text, text)) for s in petition.supplements],
    )
