"""Sanitising source text at the output boundary: HTML becomes plain text, URLs must be http(s)."""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from wenzheng_bridge.records import SHANGHAI, Petition, Reply
from wenzheng_bridge.trust import prepare_petition, sanitize_html
from wenzheng_bridge.trust.sanitize import html_to_text, safe_url

PAYLOADS = [line for line in (Path(__file__).parent / "data" / "xss_payloads.txt").read_text("utf-8").splitlines()
            if line and not line.startswith("#")]
ALLOWED = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote"}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_become_harmless_plain_text(payload):
    text = html_to_text(f"市民反映：{payload}路灯不亮")
    assert not re.search(r"<[a-zA-Z!/?]", text), text  # no tag, comment or declaration left
    assert text.startswith("市民反映：")


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if p.startswith("<") and p.endswith(">")
                                     and not p.startswith(("<svg>", "<math>", "<style>", "<iframe"))])
def test_words_after_a_closed_payload_survive(payload):
    assert html_to_text(f"市民反映：{payload}路灯不亮").endswith("路灯不亮")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitize_html_keeps_no_active_content(payload):
    """Parsed as a browser would: only harmless tags, and no attribute at all."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(sanitize_html(f"<p>市民反映：{payload}</p>"), "lxml")
    for element in soup.body.find_all(True) if soup.body else []:
        assert element.name in ALLOWED, element
        assert not element.attrs, element


def test_forum_html_keeps_paragraphs_and_words():
    html = ("<p>尊敬的领导：</p>我们小区&nbsp;路灯坏了<br/>已经三个月<br>"
            "<img src='smile.gif' onload=alert(1)><script>steal()</script>请尽快维修&amp;答复。")
    assert html_to_text(html) == "尊敬的领导：\n我们小区 路灯坏了\n已经三个月\n请尽快维修&答复。"


def test_plain_text_with_angle_brackets_and_ampersands_survives():
    text = "依据<<土壤环境质量标准>>，PM2.5<75且噪声>55分贝，A&B公司"
    assert html_to_text(text) == text


def test_entity_smuggled_markup_is_removed_too():
    assert html_to_text("&lt;script&gt;alert(1)&lt;/script&gt;正文") == "正文"
    assert html_to_text("&amp;lt;img src=x onerror=alert(1)&amp;gt;正文") == "正文"


@pytest.mark.parametrize("url, expected", [
    ("http://bbs.example.org/forum.php?mod=viewthread&tid=1", "http://bbs.example.org/forum.php?mod=viewthread&tid=1"),
    ("https://example.org/a", "https://example.org/a"),
    ("javascript:alert(1)", ""),
    (" JavaScript:alert(1)", ""),
    ("data:text/html,<script>alert(1)</script>", ""),
    ("vbscript:msgbox(1)", ""),
    ("//evil.example/x", ""),
    ("http:///nohost", ""),
])
def test_safe_url(url, expected):
    assert safe_url(url) == expected


def test_prepare_petition_sanitises_and_masks_every_text_field_and_keeps_the_original():
    raw = Petition(
        source="bbs", source_id="1",
        title="<b>路灯</b>不亮，电话13812345678",
        body="<p>住星城小区5栋2单元301室</p><script>window.__xss=1</script>身份证11010519491231002X",
        author="13974880021", url="javascript:alert(1)", board="<i>A3区</i>", places=["星城小区"],
        posted=datetime(2019, 3, 1, 9, 0, tzinfo=SHANGHAI),
        replies=[Reply(text="<img src=x onerror=alert(1)>已转交，联系电话0731-88665123", unit="<b>A3区城管局</b>",
                       author="spokesman")],
    )
    out = prepare_petition(raw)
    assert out.title == "路灯不亮，电话138****5678"
    assert out.body == "住星城小区5栋*单元***室\n身份证110***********002X"
    assert out.author == "139****0021"
    assert out.url == "" and out.board == "A3区"
    assert out.replies[0].text == "已转交，联系电话0731-88665123"  # the office's own line, given in its reply
    assert out.replies[0].unit == "A3区城管局"
    # The store's record is untouched: text is kept as received, so it can be reprocessed.
    assert raw.title.startswith("<b>路灯</b>") and "13812345678" in raw.title
    assert prepare_petition(out) == out  # idempotent


def test_prepare_petition_on_the_real_sample(sample_store):
    from wenzheng_bridge.store import Store

    with Store.open(sample_store, readonly=True) as store:
        petitions = list(store.petitions())
    assert len(petitions) == 644
    for raw in petitions:
        out = prepare_petition(raw)
        for text in [out.title, out.body, out.author] + [r.text for r in out.replies]:
            assert not re.search(r"<[a-zA-Z/!]", text), (raw.key, text[:80])
        assert out.title  # the words are still there


# --- property: whatever markup soup a forum sends, no tag survives -----------------------------------

from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

_FRAGMENTS = ["<", ">", "</", "/>", "script", "img", "svg", "a", " src=x", " onerror=alert(1)", " href=",
              "javascript:", "&lt;", "&gt;", "&amp;", "&#60;", "&#x3c;", "!--", "-->", "<![CDATA[", "]]>",
              "文字", '"', "'", "=", " ", "\n", "<br>", "<p>", "style", "{", "}"]


@hsettings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=40).map("".join))
def test_no_tag_survives_any_markup_soup(soup):
    """An HTML5 parser (html5ever, inside nh3) finds no element or comment in the text left."""
    import html

    import nh3

    text = html_to_text(soup)
    assert html.unescape(nh3.clean(text, tags=set(), clean_content_tags=set())) == text, (soup, text)


if __name__ == "__main__":
    # Cost of prepare_petition on a store: .venv/bin/python tests/test_trust_sanitize.py data/wenzheng.sqlite3
    import sys
    import time

    from wenzheng_bridge.store import Store

    with Store.open(sys.argv[1], readonly=True) as store:
        petitions = list(store.petitions())
    started = time.process_time()
    for petition in petitions:
        prepare_petition(petition)
    spent = time.process_time() - started
    print(f"{len(petitions)} petitions: {spent:.2f} s CPU, {spent / len(petitions) * 1e3:.3f} ms each")
