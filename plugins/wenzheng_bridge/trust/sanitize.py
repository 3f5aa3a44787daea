"""Sanitising source text before it reaches any output (nh3)."""
from __future__ import annotations

from dataclasses import replace

import nh3

from ..records import Petition
from .masking import mask

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote"}


def sanitize_html(html: str) -> str:
    """Safe HTML fragment: only harmless formatting tags, no attributes, no scripts."""
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes={}, url_schemes=set())


def prepare_petition(petition: Petition) -> Petition:
    """A copy of the petition fit for output: personal data masked in every text field."""
    return replace(
        petition,
        title=mask(petition.title),
        body=mask(petition.body),
        author=petition.author,
        replies=[replace(r, text=mask(r.text)) for r in petition.replies],
    )
