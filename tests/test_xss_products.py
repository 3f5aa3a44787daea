"""The column desk's records (events, themes, reports) and a source's spokesperson accounts carry
hostile text as text: on every built page nothing can run, and the feeds keep the exact words.

The records are files a desk edits by hand as well as by command; a pasted title is expected input.
One sample build (search off) with hostile values in every product's record.
"""
from __future__ import annotations

import shutil

import feedparser
import pytest
from lxml import html as lxml_html

from browser.build import NOW, copy_project, run_pelican
from browser.hostile import active_markup, nested

pytestmark = pytest.mark.slow

TITLE = "<script>alert(1)</script>问政进社区"
PLACE = "<img src=x onerror=alert(1)>社区中心"
LEAD = nested("<svg onload=alert(1)>", 2) + "导语"
QUESTION = '<IMG SRC="jav&#x0A;ascript:alert(3310);">你来提'
SPOKES = "<audio src=1 onerror=alert(2)></audio>发言人"
FORUM = f"""
WENZHENG_SPOKESPERSONS = {{}}
WENZHENG_SOURCES = WENZHENG_SOURCES + [{{"name": "bbs", "kind": "forum", "url": "http://127.0.0.1:9/",
    "fids": [2], "board": "A市", "spokespersons": {{{SPOKES!r}: "A市政府办"}}}}]
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from wenzheng_bridge.pull import pull
    from wenzheng_bridge.settings import load

    project = copy_project(tmp_path_factory.mktemp("xss-products") / "project")
    for generated in ("drafts", "newsroom/drafts"):
        shutil.rmtree(project / "content" / generated, ignore_errors=True)
    (project / "content" / "events" / "2019-12-a3.txt").write_text(
        f"标题: {TITLE}\n日期: 2019-12-14 09:30\n地点: {PLACE}\n区县: A3区\n部门: {SPOKES}\n发言人: {SPOKES}\n",
        encoding="utf-8")
    (project / "content" / "themes" / "2019-jiaotong.txt").write_text(
        f"标题: {TITLE}\n问题: {QUESTION}\n开始: 2019-01-01\n结束: 2019-12-31\n关键词: 公交、交通\n",
        encoding="utf-8")
    (project / "content" / "reports" / "2019Q4.txt").write_text(f"标题：{TITLE}\n导语：{LEAD}\n", encoding="utf-8")
    pull(load(project / "pelicanconf.py", {"WENZHENG_NOW": NOW}))
    with (project / "pelicanconf.py").open("a", encoding="utf-8") as conf:
        conf.write(FORUM)  # added after the pull: only its configuration is read by the build
    run_pelican(project, project / "output", "WENZHENG_SEARCH=false")
    return project / "output"


def test_no_built_page_runs_anything_a_record_carried(site):
    theme_scripts = set()
    for page in sorted(site.rglob("*.html")):
        problems, scripts = active_markup(page.read_bytes())
        assert not problems, (page.relative_to(site), problems)
        theme_scripts |= scripts
    assert all(not s.startswith("inline:") or "alert" not in s for s in theme_scripts)
    shown = {"events/2019-12-a3/index.html": [TITLE, PLACE, SPOKES], "themes/2019-jiaotong/index.html": [TITLE],
             "reports/2019q4/index.html": [TITLE, LEAD], "mailboxes/": [SPOKES]}
    for path, texts in shown.items():
        files = [site / path] if path.endswith(".html") else list((site / path).glob("*/index.html"))
        text = " ".join(lxml_html.fromstring(f.read_bytes()).text_content() for f in files)
        for typed in texts:
            assert typed in text, (path, typed)  # the exact words, shown as text


def test_feeds_keep_the_exact_words(site):
    for feed, title in (("events", TITLE), ("themes", f"【问计于民】{TITLE}"), ("reports", TITLE)):
        parsed = feedparser.parse((site / "feeds" / f"{feed}.atom.xml").read_bytes())
        assert not parsed.bozo, feed
        assert title in [entry.title for entry in parsed.entries], feed
    # A report's lead is the entry's text: its summary is HTML whose text is the lead as typed.
    reports = feedparser.parse((site / "feeds" / "reports.atom.xml").read_bytes())
    summary = next(e.summary for e in reports.entries if e.title == TITLE)
    assert LEAD in lxml_html.fromstring(f"<div>{summary}</div>").text_content()
