"""Text is text, HTML is HTML: plain fields kept as typed (and masked), declared HTML fields read once by nh3.

A plain-text field (a table cell, a JSON string, a title, a board name) keeps every
character a resident typed, ``<b>`` and ``&lt;`` included; writers escape it. A field a
source declares HTML goes through one nh3 parse: tags dropped, entities decoded exactly once.
"""
from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

import pytest

from wenzheng_bridge.records import SHANGHAI, Petition, Reply
from wenzheng_bridge.sources.common import clean_text
from wenzheng_bridge.trust import prepare_petition, sanitize_html
from wenzheng_bridge.trust.sanitize import html_to_text, output_text, safe_url, spreadsheet_cell

PAYLOADS = [line for line in (Path(__file__).parent / "data" / "xss_payloads.txt").read_text("utf-8").splitlines()
            if line and not line.startswith("#")]
ALLOWED = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote"}


def nested(text: str, depth: int) -> str:
    """``text`` HTML-escaped ``depth`` times (``<`` -> ``&lt;`` -> ``&amp;lt;`` …)."""
    for _ in range(depth):
        text = html.escape(text, quote=False)
    return text


# --- plain text: kept, never stripped ------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "a<b and c>d",
    "<b>“原则上”</b>",
    "依据<<土壤环境质量标准>>，PM2.5<75且噪声>55分贝，A&B公司",
    "&lt;b&gt;是论坛转义后的写法，&amp;也是",
    "<!-- 注释 --> <![CDATA[x]]> </title>",
])
def test_plain_text_is_kept_as_typed(typed):
    assert output_text(typed) == typed


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_as_plain_text_keeps_all_its_characters(payload):
    text = output_text(f"市民反映：{payload}路灯不亮")
    assert text == f"市民反映：{payload.strip()}路灯不亮"


@pytest.mark.parametrize("depth", range(0, 11))
def test_nested_entities_in_plain_text_are_not_unwrapped(depth):
    value = nested("<img src=x onerror=alert(1)>", depth) + "板块"
    assert output_text(value) == value


# --- declared HTML: one nh3 parse, entities decoded once -------------------------------------------------

@pytest.mark.parametrize("depth", range(1, 11))
def test_html_field_decodes_nested_entities_exactly_once(depth):
    """``&amp;lt;img…&amp;gt;`` in a post is the text ``&lt;img…&gt;``: one level, never a tag at the end."""
    payload = "<img src=x onerror=alert(1)>"
    assert html_to_text(f"<p>{nested(payload, depth)}板块</p>") == nested(payload, depth - 1) + "板块"


def test_discuz_escaped_typing_is_the_text_the_resident_typed():
    assert html_to_text("回复说&lt;b&gt;“原则上”&lt;/b&gt;同意<br />a&lt;b and c&gt;d") == \
        "回复说<b>“原则上”</b>同意\na<b and c>d"


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if p.startswith("<") and p.endswith(">")
                                     and not p.startswith(("<svg>", "<math>", "<style>", "<iframe"))])
def test_real_markup_in_an_html_field_is_dropped_and_words_after_it_survive(payload):
    text = html_to_text(f"市民反映：{payload}路灯不亮")
    assert text.startswith("市民反映：") and text.endswith("路灯不亮")
    assert "onerror=" not in text.replace("&lt;", "")  # no attribute of a real tag is left as text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitize_html_keeps_no_active_content(payload):
    """Parsed as a browser would: only harmless tags, and no attribute at all."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(sanitize_html(f"<p>市民反映：{payload}</p>"), "lxml")
    for element in soup.body.find_all(True) if soup.body else []:
        assert element.name in ALLOWED, element
        assert not element.attrs, element


def test_forum_html_keeps_paragraphs_and_words():
    html_ = ("<p>尊敬的领导：</p>我们小区&nbsp;路灯坏了<br/>已经三个月<br>"
             "<img src='smile.gif' onload=alert(1)><script>steal()</script>请尽快维修&amp;答复。")
    assert html_to_text(html_) == "尊敬的领导：\n我们小区 路灯坏了\n已经三个月\n请尽快维修&答复。"


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


@pytest.mark.parametrize("cell, expected", [
    ('=HYPERLINK("http://x.example","点我")', '\'=HYPERLINK("http://x.example","点我")'),
    ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("路灯=坏", "路灯=坏"), ("", ""), (-3, -3), (None, None), (2.5, 2.5),
])
def test_spreadsheet_cell_never_starts_like_a_formula(cell, expected):
    assert spreadsheet_cell(cell) == expected


def test_prepare_petition_keeps_text_as_typed_masks_it_and_keeps_the_original():
    raw = Petition(
        source="bbs", source_id="1",
        title="<b>路灯</b>不亮，电话13812345678",
        body="住星城小区5栋2单元301室\n<script>window.__xss=1</script>身份证11010519491231002X",
        author="13974880021", url="javascript:alert(1)", board="<i>A3区</i>", places=["星城小区"],
        department="&amp;lt;img src=x onerror=alert(1)&amp;gt;城管局",
        posted=datetime(2019, 3, 1, 9, 0, tzinfo=SHANGHAI),
        replies=[Reply(text="<img src=x onerror=alert(1)>已转交，联系电话0731-88665123", unit="<b>A3区城管局</b>",
                       author="spokesman")],
    )
    out = prepare_petition(raw)
    assert out.title == "<b>路灯</b>不亮，电话138****5678"
    assert out.body == "住星城小区5栋*单元***室\n<script>window.__xss=1</script>身份证110***********002X"
    assert out.author == "139****0021"
    assert out.url == "" and out.board == "<i>A3区</i>"
    assert out.department == "&amp;lt;img src=x onerror=alert(1)&amp;gt;城管局"
    # the office's own line, given in its reply, is not masked
    assert out.replies[0].text == "<img src=x onerror=alert(1)>已转交，联系电话0731-88665123"
    assert out.replies[0].unit == "<b>A3区城管局</b>"
    # The store's record is untouched: text is kept as received, so it can be reprocessed.
    assert "13812345678" in raw.title
    assert prepare_petition(out) == out  # idempotent


def test_prepare_petition_on_the_real_sample(sample_store):
    """Every markup character of the real sample's text is still there after preparing it for output."""
    from wenzheng_bridge.store import Store

    with Store.open(sample_store, readonly=True) as store:
        petitions = list(store.petitions())
    assert len(petitions) == 644
    for raw in petitions:
        out = prepare_petition(raw)
        for before, after in [(raw.title, out.title), (raw.body, out.body)] + [
                (r.text, o.text) for r, o in zip(raw.replies, out.replies)]:
            for char in "<>&":
                assert after.count(char) == before.count(char), (raw.key, char, before[:80])
        assert out.title  # the words are still there


# --- properties: over any markup soup, plain text is kept and HTML is decoded exactly once ------------------

from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

_FRAGMENTS = ["<", ">", "</", "/>", "script", "img", "svg", "a", " src=x", " onerror=alert(1)", " href=",
              "javascript:", "&lt;", "&gt;", "&amp;", "&#60;", "&#x3c;", "!--", "-->", "<![CDATA[", "]]>",
              "文字", '"', "'", "=", " ", "\n", "<br>", "<p>", "style", "{", "}", "&amp;lt;", "&", ";"]
_SOUP = st.lists(st.sampled_from(_FRAGMENTS), max_size=40).map("".join)


@hsettings(max_examples=500, deadline=None)
@given(_SOUP)
def test_plain_text_keeps_every_character(soup):
    assert "".join(output_text(soup).split()) == "".join(soup.split())


@hsettings(max_examples=500, deadline=None)
@given(_SOUP)
def test_escaped_text_read_as_html_is_the_text_again(soup):
    """What a forum escaped comes back exactly once: never a second decoding, never a lost character."""
    assert html_to_text(html.escape(soup, quote=False)) == clean_text(soup)


@hsettings(max_examples=300, deadline=None)
@given(_SOUP)
def test_html_to_text_leaves_no_element_a_browser_would_build(soup):
    """The text, escaped as every writer does, parses (html5ever, inside nh3) to no element at all."""
    import nh3

    text = html_to_text(soup)
    assert html.unescape(nh3.clean(html.escape(text), tags=set(), clean_content_tags=set())) == text


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


def test_a_break_with_attributes_is_a_line_break():
    # Discuz! writes <br /> but pasted posts carry <br class=…>: both end a line, so a typed "<"
    # before one never joins what follows into something that reads as a tag.
    assert html_to_text('路灯坏了<br class="x">已报修') == "路灯坏了\n已报修"
    assert html_to_text('<<br onclick="alert(1)">a>') == "<\na>"
