"""Leader mailboxes and spokespersons on the demo build of the real sample (A市 stands in as the 示例 mailbox)."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from wenzheng_bridge.caseview.view import cases
from wenzheng_bridge.config import ConfigError
from wenzheng_bridge.newsroom.articles import read_articles
from wenzheng_bridge.newsroom.records import load as load_records
from wenzheng_bridge.site.slugs import Slugs
from wenzheng_bridge.store import Store

pytestmark = pytest.mark.slow
MAILBOX = "A市"


@pytest.fixture(scope="module")
def board_cases(site):
    settings = site.settings
    records = load_records(settings, articles=read_articles(settings))
    with Store.open(settings["WENZHENG_STORE"], readonly=True) as store:
        return [c for c in cases(store, settings, records=records) if c.public and c.petition.board == MAILBOX]


def doc(site, url: str) -> BeautifulSoup:
    return BeautifulSoup(site.page(url).read_bytes(), "lxml")


def text(tree) -> str:
    return re.sub(r"\s+", " ", tree.get_text(" "))


def test_the_demo_mailbox_has_its_page_with_its_figures(site, board_cases):
    assert tuple(site.settings["WENZHENG_LEADER_MAILBOXES"]) == (MAILBOX,)
    slug = Slugs({})(MAILBOX)
    page = doc(site, f"mailboxes/{slug}/")
    shown = text(page.select_one("main"))
    assert f"领导信箱：{MAILBOX}" in shown and "网络发言人：A市人民政府办公室网络发言人（示例）" in shown
    replied = [c for c in board_cases if c.reply_known]
    rate = f"{100 * sum(c.replied for c in replied) / len(replied):.2f}%" if replied else "—"
    figures = {dt.get_text(strip=True): dd.get_text(" ", strip=True) for dt, dd in
               zip(page.select(".scorecard dt"), page.select(".scorecard dd"))}
    assert figures["留言数"] == str(len(board_cases)) and figures["回复率"].startswith(rate)
    newest = [a["href"].rstrip("/").rsplit("/", 1)[-1] for a in page.select(".case-list a.case-title")]
    expected = [c.key for c in sorted(board_cases, key=lambda c: c.petition.posted)][::-1][:len(newest)]
    assert newest and newest == expected
    assert page.select_one(f'a[href$="boards/{slug}/"]')
    # Readers subscribe to the mailbox: its board's feed, announced and linked, holding its cases.
    feed = f"feeds/board/{slug}.atom.xml"
    assert page.select_one(f'link[rel="alternate"][href$="{feed}"]') and page.select_one(f'a[href$="{feed}"]')
    import feedparser

    parsed = feedparser.parse((site.output / feed).read_bytes())
    keys = {c.key for c in board_cases}
    assert parsed.entries and all(e.link.rstrip("/").split("/cases/")[1].split("/")[0] in keys for e in parsed.entries)


def test_home_block_index_menu_and_board_spokesperson(site, board_cases):
    home = doc(site, "")
    block = home.select_one("section.home-mailboxes")
    assert block is not None and f"{len(board_cases)} 件公开留言" in text(block)
    assert doc(site, "mailboxes/").select(".mailbox-list a")[0].get_text() == MAILBOX
    case_page = doc(site, f"cases/{board_cases[0].key}/")
    assert case_page.select_one('nav a[href$="mailboxes/"]')  # the menu of pages written while streaming too
    slug = Slugs({})(MAILBOX)
    assert "网络发言人：A市人民政府办公室网络发言人（示例）" in text(doc(site, f"boards/{slug}/"))
    other = next(p for p in (site.output / "boards").iterdir() if p.is_dir() and p.name != slug)
    assert "网络发言人" not in text(BeautifulSoup((other / "index.html").read_bytes(), "lxml"))


def test_mailbox_and_spokesperson_settings_are_validated(make_settings):
    for bad in (["A市", "A市"], [""], ["A市", 3]):
        with pytest.raises(ConfigError, match="WENZHENG_LEADER_MAILBOXES"):
            make_settings(WENZHENG_LEADER_MAILBOXES=bad)
    with pytest.raises(ConfigError, match="WENZHENG_SPOKESPERSONS"):
        make_settings(WENZHENG_SPOKESPERSONS={"A市": ""})


def test_a_boards_spokesperson_comes_from_its_sources_accounts_unless_a_setting_names_one(make_settings):
    from conftest import tipdm_source
    from wenzheng_bridge.site.leaders import Leaders

    forum = {"name": "bbs", "kind": "forum", "url": "http://127.0.0.1:9/", "fids": [2], "board": "B区",
             "spokespersons": {"B区住建局网络发言人": "B区住建局", "B区城管局网络发言人": "B区城管局"}}
    feed = {"name": "rss", "kind": "feed", "url": "http://127.0.0.1:9/rss.xml", "board": "C区",
            "spokespersons": ["C区网络发言人"]}
    leaders = Leaders(make_settings(sources=[tipdm_source(), forum, feed]))
    assert leaders.spokesperson("B区") == "B区住建局网络发言人、B区城管局网络发言人"
    assert leaders.spokesperson("C区") == "C区网络发言人"
    assert leaders.spokesperson("A市") == ""  # the table source names no accounts
    named = Leaders(make_settings(sources=[forum], WENZHENG_SPOKESPERSONS={"B区": "B区政府办网络发言人"}))
    assert named.spokesperson("B区") == "B区政府办网络发言人"
