"""Production overrides: absolute URLs, feeds on, no newsroom-only pages."""
import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = "https://wenzheng.example.org"
RELATIVE_URLS = False
# The build deletes stale pages itself, so unchanged files keep their mtimes and a sync moves only changes.
DELETE_OUTPUT_DIRECTORY = False
# Keep the search index across clean builds: it is rebuilt only when public content changed.
OUTPUT_RETENTION = ["search"]
WENZHENG_NEWSROOM_PAGES = False
# The public site: newsroom-only and draft folders an earlier `make html` left in the output are
# deleted, and a published article naming a gated case (举报, 待审) stops the build.
WENZHENG_PRODUCTION = True
# Drafts are newsroom work in progress: never written to the production site.
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
