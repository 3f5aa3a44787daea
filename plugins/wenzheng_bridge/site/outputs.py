"""Extension points of the site build, and the core entries registered on them.

``OUTPUTS`` run in order at the end of ``CaseGenerator.generate_output``;
``FINALIZERS`` after Pelican has written everything (signal ``finalized``).
Each is an ``Output``: a function of the ``site.build.Build``. A plugin
registers its own the same way, e.g.
``OUTPUTS.register("my_page", write_my_page, "…", before=("sitemap",))`` so the
sitemap lists what it writes.
"""
from __future__ import annotations

from ..registry import ExtensionPoint
from ..trust import gates
from ..trust.scan import scan_output
from . import events, exports, feeds, leaders, notfound, opendata, report_pages, results, search, sitemap, themes
from .budget_page import write_budget_page
from .build import Build, Output

OUTPUTS: ExtensionPoint[Output] = ExtensionPoint("网站输出", "site outputs, called with the Build in order")
FINALIZERS: ExtensionPoint[Output] = ExtensionPoint("构建收尾步骤", "run on Pelican's finalized signal")


def withdraw_gated(build: Build) -> list[str]:
    """Delete what an earlier build wrote for a case that is no longer public (trust.gates)."""
    return gates.withdraw_gated(build.output_path, [case.key for case in build.listed() if not case.public])


def withdraw_private(build: Build) -> list[str]:
    """In a production build, delete the newsroom-only and draft folders (trust.gates)."""
    return gates.withdraw_private(build.settings, build.output_path)


OUTPUTS.register("withdraw_gated", withdraw_gated, "delete the pages of cases no longer public")
OUTPUTS.register("withdraw_private", withdraw_private, "production: delete the newsroom-only folders")
OUTPUTS.register("search_page", search.write_search_page, "the search page (its script loads the index the finalizer writes)")
OUTPUTS.register("feeds", feeds.write_feeds, "site, group and per-case Atom feeds")
OUTPUTS.register("exports", exports.write_exports, "open data: cases.json, cases.csv, Open311")
# After the exports: the open-data page states their sizes.
OUTPUTS.register("data_page", opendata.write_data_page, "the 开放数据 page describing each export")
OUTPUTS.register("not_found", notfound.write_not_found, "the Chinese 404 page")
OUTPUTS.register("budget", write_budget_page, "the newsroom-only story budget page and its CSV")
OUTPUTS.register("events", events.write_events, "问政进社区 event pages and their feed")
OUTPUTS.register("themes", themes.write_themes, "问计于民 theme round-up pages")
OUTPUTS.register("reports", report_pages.write_reports, "department reports (通报): pages, charts, CSV and XLSX")
OUTPUTS.register("mailboxes", leaders.write_mailboxes, "leader mailbox pages (WENZHENG_LEADER_MAILBOXES)")
OUTPUTS.register("results", results.write_results, "问政成效: cases resolved after a report, and its feed")
# Last: the sitemap lists the pages the entries above wrote (a plugin's page: before=("sitemap",)).
OUTPUTS.register("sitemap", sitemap.write_sitemap, "sitemap.xml and robots.txt")

FINALIZERS.register("search_index", search.build_index, "the search index of the public cases (character pairs, site/search_index.py)")
FINALIZERS.register("scan", scan_output, "fail the build on unmasked personal data in the output")
