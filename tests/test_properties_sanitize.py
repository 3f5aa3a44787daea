"""Sanitiser properties: whatever HTML a source sends, the output holds only allowed tags.

The output is read back with the standard library's HTML parser, not with nh3
(the library the sanitiser is built on), so the check does not share its parser.
"""
from __future__ import annotations

import html
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from wenzheng_bridge.trust.sanitize import (ALLOWED_TAGS, ARTICLE_ATTRIBUTES, ARTICLE_TAGS, html_to_text,
                                            safe_url, sanitize_article_html, sanitize_html)


class Tags(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer would see them."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.seen: list[tuple[str, dict]] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


TAG_NAMES = ["p", "br", "b", "i", "em", "strong", "li", "ul", "blockquote", "div", "span", "a", "img",
             "script", "style", "iframe", "svg", "math", "object", "embed", "form", "input", "textarea",
             "select", "title", "template", "noscript", "table", "td", "h1", "base", "meta", "link"]
ATTRIBUTES = st.sampled_from([
    ("onclick", "alert(1)"), ("onerror", "alert(1)"), ("href", "javascript:alert(1)"), ("href", "https://a.cn/x"),
    ("href", "/cases/1/"), ("src", "data:text/html,<script>alert(1)</script>"), ("src", "http://a.cn/1.png"),
    ("style", "background:url(javascript:alert(1))"), ("class", "x"), ("title", "标题"), ("srcdoc", "<b>x</b>"),
])
TEXT = st.text(st.sampled_from("路灯坏了<>&\"' ;=/abc&lt;script&gt;&#60;"), max_size=12)
# No entities, and no bare "<": in HTML a bare "<" is malformed, and removing a tag between it and
# later text joins them ('<<b>a>' gives the text "<a>": text still, escaped at every output). A <br>
# with attributes is a line break, which keeps them apart (found by this property).
MARKUP_TEXT = st.text(st.sampled_from("路灯坏了>\"' ;=/abc"), max_size=12)


@st.composite
def html_fragments(draw, depth: int = 0, text=TEXT) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 3 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAG_NAMES))
            attrs = "".join(f' {name}="{value}"' for name, value in draw(st.lists(ATTRIBUTES, max_size=2)))
            inner = draw(html_fragments(depth + 1, text))
            closed = draw(st.booleans())  # unclosed tags are common in forum posts
            parts.append(f"<{tag}{attrs}>{inner}" + (f"</{tag}>" if closed else ""))
        else:
            parts.append(draw(text))
    return "".join(parts)


@settings(max_examples=500, deadline=None)
@given(html_fragments())
def test_sanitize_html_keeps_only_allowed_tags_and_no_attributes(fragment):
    for tag, attrs in Tags(sanitize_html(fragment)).seen:
        assert tag in ALLOWED_TAGS, (tag, fragment)
        # No attribute at all: not even nh3's generic lang and title (a title can carry a phone number).
        assert not attrs, (tag, attrs, fragment)


@settings(max_examples=500, deadline=None)
@given(html_fragments())
def test_article_html_keeps_only_article_tags_and_harmless_links(fragment):
    for tag, attrs in Tags(sanitize_article_html(fragment)).seen:
        assert tag in ARTICLE_TAGS, (tag, fragment)
        allowed = ARTICLE_ATTRIBUTES["*"] | ARTICLE_ATTRIBUTES.get(tag, set())
        if tag == "a":  # nh3 adds rel="noopener noreferrer" to every link
            assert attrs.pop("rel", "noopener noreferrer") == "noopener noreferrer"
        assert set(attrs) <= allowed, (tag, attrs, fragment)
        for name in ("href", "src"):
            if name in attrs:
                scheme = attrs[name].split(":", 1)[0].lower() if ":" in attrs[name] else ""
                assert scheme in ("", "http", "https", "mailto"), (attrs, fragment)


@settings(max_examples=500, deadline=None)
@given(html_fragments(text=MARKUP_TEXT))
def test_plain_text_of_any_fragment_holds_none_of_its_tags(fragment):
    assert Tags(html_to_text(fragment)).seen == []


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("路灯<b>“原则上”</b>&amp;<script>alert(1)</script>"), max_size=40))
def test_escaped_text_is_decoded_exactly_once(text):
    # What the source escaped is what the resident typed: it comes out as those characters, once
    # decoded (never a second time: that would turn typed text into markup).
    assert html_to_text(html.escape(text, quote=False)) == text


def test_known_attacks_from_real_forum_posts():
    assert sanitize_html('<p onclick="x()">路灯<script>alert(1)</script>坏了</p>') == "<p>路灯坏了</p>"
    assert html_to_text("<script>alert(1)</script>路灯") == "路灯"
    # Escaped markup is text the resident typed: kept as characters, escaped by every writer.
    assert html_to_text("&lt;script&gt;alert(1)&lt;/script&gt;路灯") == "<script>alert(1)</script>路灯"
    assert sanitize_article_html('<a href="javascript:alert(1)">看这里</a>') == '<a rel="noopener noreferrer">看这里</a>'
    assert safe_url("javascript:alert(1)") == "" and safe_url(" JAVASCRIPT:alert(1)") == ""
    assert safe_url("https://wz.example.cn/t/1") == "https://wz.example.cn/t/1"
    assert safe_url("//evil.example/x") == "" and safe_url("http:///x") == ""
