"""Extension points of the site build, declared in one place.

Each entry is "module:function", called in order by the CaseGenerator's
``generate_output`` as ``function(build)`` where ``build`` is a
``site.generator.Build`` (settings, writer, output path, the public cases,
the context). Core outputs use the same points a plugin would.
"""
from __future__ import annotations

OUTPUTS: list[str] = [
    "wenzheng_bridge.trust.gates:withdraw_gated",
    "wenzheng_bridge.trust.gates:withdraw_private",
    "wenzheng_bridge.site.search:write_search_page",
    "wenzheng_bridge.site.feeds:write_feeds",
    "wenzheng_bridge.site.exports:write_exports",
    "wenzheng_bridge.newsroom.budget:write_budget_page",
    "wenzheng_bridge.site.events:write_events",
    "wenzheng_bridge.site.themes:write_themes",
    "wenzheng_bridge.site.report_pages:write_reports",
    "wenzheng_bridge.site.leaders:write_mailboxes",
    "wenzheng_bridge.site.results:write_results",
    # Last: the sitemap lists the pages the entries above wrote.
    "wenzheng_bridge.site.sitemap:write_sitemap",
]

#: Run after Pelican has written everything (signal ``finalized``): search index, output scan.
FINALIZERS: list[str] = [
    "wenzheng_bridge.site.search:build_index",
    "wenzheng_bridge.trust.scan:scan_output",
]
