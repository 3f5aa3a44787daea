"""Trust layer: masking personal data, sanitising source HTML, publication gates.

One layer, called at two boundaries: ``prepare_petition`` when the case view
hands a petition to any output (drafts, budget, site, feeds, search, exports),
and ``publication_gate`` when deciding whether a case may be public at all.
"""
from __future__ import annotations

from .gates import publication_gate
from .masking import mask
from .sanitize import prepare_petition, sanitize_html

__all__ = ["mask", "sanitize_html", "prepare_petition", "publication_gate"]
