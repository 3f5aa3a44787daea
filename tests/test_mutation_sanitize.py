"""Tests written for mutmut's survivors in trust/sanitize.py (issue 20; bench/RESULTS-mutation.md).

Every expected value is written by hand from the rule it checks (the allowlists in the module's
docstring, the masking format 138****5678 of DESIGN.md), never copied from the program's output.
"""
from __future__ import annotations

from datetime import datetime

from pelican.contents import Article

from wenzheng_bridge.records import SHANGHAI, Petition, Reply, Supplement
from wenzheng_bridge.trust.sanitize import (output_text, prepare_petition, public_url, safe_url,
                                            sanitize_article_html, sanitize_content, sanitize_html,
                                            spreadsheet_cell)


# --- sanitize_html: no attribute at all, not even nh3's generic ones -----------------------------------

def test_sanitize_html_drops_the_generic_title_and_lang_attributes():
    # The bug a surviving mutant showed: attributes={} left nh3's generic "title" and "lang" on every tag.
    assert sanitize_html('<p title="电话13812345678" lang="zh">路灯</p><b lang="en">坏了</b>') == \
        "<p>路灯</p><b>坏了</b>"


def test_sanitize_html_keeps_every_allowed_tag_and_drops_content_of_the_dangerous_ones():
    kept = "<blockquote><p><strong>a</strong><em>b</em><b>c</b><i>d</i><br></p><ul><li>e</li></ul><ol><li>f</li></ol></blockquote>"
    assert sanitize_html(kept) == kept
    # title and textarea are dropped with what they hold (DROPPED_WITH_CONTENT), not only script and style
    assert sanitize_html("<title>标题</title>路灯<textarea>输入</textarea><noscript>n</noscript>坏了") == "路灯坏了"


def test_sanitize_of_nothing_is_empty():
    assert sanitize_html("") == "" and sanitize_html(None) == ""
    assert sanitize_article_html("") == "" and sanitize_article_html(None) == ""


# --- sanitize_article_html and the Pelican signal --------------------------------------------------------

def test_article_html_keeps_its_allowlist_and_drops_the_rest():
    assert sanitize_article_html('<a href="mailto:desk@example.cn" class="x" onclick="y()">来信</a>') == \
        '<a href="mailto:desk@example.cn" class="x" rel="noopener noreferrer">来信</a>'
    assert sanitize_article_html('<a href="ftp://example.cn/f">文件</a>') == '<a rel="noopener noreferrer">文件</a>'
    assert sanitize_article_html('<a href="http://a.cn/1">甲</a><a href="https://a.cn/2">乙</a>') == \
        '<a href="http://a.cn/1" rel="noopener noreferrer">甲</a><a href="https://a.cn/2" rel="noopener noreferrer">乙</a>'
    # tags nh3 would allow by default but the article allowlist does not; content of DROPPED_WITH_CONTENT gone
    assert sanitize_article_html("<nav><center>路灯</center><ruby>坏</ruby></nav>") == "路灯坏"
    assert sanitize_article_html("<p>路灯<textarea>输入</textarea><title>标题</title>坏了</p>") == "<p>路灯坏了</p>"
    assert sanitize_article_html('<img src="{static}/images/a.png" alt="图" width="10" style="x">') == \
        '<img src="{static}/images/a.png" alt="图" width="10">'
    assert sanitize_article_html('<table><tr><td colspan="2" id="c">1</td></tr></table>') == \
        '<table><tbody><tr><td colspan="2" id="c">1</td></tr></tbody></table>'
    assert sanitize_article_html('<abbr title="网络问政" data-x="1">问政</abbr><time datetime="2019-03-01">3月1日</time>') \
        == '<abbr title="网络问政">问政</abbr><time datetime="2019-03-01">3月1日</time>'


def test_sanitize_content_cleans_a_real_article_and_its_summary():
    article = Article('<p onclick="x()">路灯<script>alert(1)</script>坏了</p>',
                      metadata={"title": "路灯", "summary": '<a href="javascript:alert(1)">看这里</a>'})
    sanitize_content(article)
    assert article._content == "<p>路灯坏了</p>"
    assert article.metadata["summary"] == '<a rel="noopener noreferrer">看这里</a>'
    assert article._summary == '<a rel="noopener noreferrer">看这里</a>'


def test_sanitize_content_of_an_article_without_summary_leaves_its_metadata_alone():
    article = Article('<p>正文<iframe src="https://x.example"></iframe></p>', metadata={"title": "路灯"})
    sanitize_content(article)
    assert article._content == "<p>正文</p>"
    assert article.metadata == {"title": "路灯"}


# --- links ----------------------------------------------------------------------------------------------

def test_safe_url_strips_spaces_accepts_any_case_and_survives_a_broken_url():
    assert safe_url("  https://wz.example.cn/t/1 \n") == "https://wz.example.cn/t/1"
    assert safe_url("HTTP://WZ.example.cn/t/1") == "HTTP://WZ.example.cn/t/1"
    assert safe_url("http://[::1/x") == ""  # urlsplit raises ValueError (an unclosed IPv6 bracket)
    assert safe_url(None) == "" and safe_url("") == ""


def test_public_url_drops_links_with_personal_data_even_percent_encoded():
    assert public_url("https://wz.example.cn/t/1") == "https://wz.example.cn/t/1"
    assert public_url("https://wz.example.cn/t?tel=13812345678") == ""
    # "%20" between the groups: only the decoded address shows a mobile (138 1234 5678)
    assert public_url("https://wz.example.cn/t?tel=138%201234%205678") == ""
    assert public_url("javascript:alert(13812345678)") == ""
    assert public_url(None) == ""


def test_a_carriage_return_first_is_a_formula_start_too():
    assert spreadsheet_cell("\r=1") == "'\r=1"
    assert spreadsheet_cell("1=1") == "1=1"


# --- prepare_petition: every field masked with its own options ---------------------------------------------

PUBLIC = "13600002222"  # listed in WENZHENG_PUBLIC_NUMBERS below: kept in every field


def _petition() -> Petition:
    return Petition(
        source="bbs", source_id="7",
        title=f"路灯  不亮，电话13812345678，热线{PUBLIC}", body=f"本人张三，电话13912345678，热线{PUBLIC}",
        author=f"13700001111/{PUBLIC}", url="https://wz.example.cn/t/7", board=f"A3区{PUBLIC}",
        department=f"城管局13500003333/{PUBLIC}", field=f"城建13400004444/{PUBLIC}",
        state=f"办理中13300005555/{PUBLIC}", places=[f"星城小区13200006666/{PUBLIC}"],
        posted=datetime(2019, 3, 1, 9, 0, tzinfo=SHANGHAI),
        replies=[Reply(text="已转交，联系电话0746-8362789，市民张三请留意", unit=f"城管局13100007777/{PUBLIC}",
                       author=f"回复人15000008888/{PUBLIC}")],
        supplements=[Supplement(text=f"补充：张三 15100009999/{PUBLIC}")],
    )


def test_prepare_petition_masks_every_field_and_keeps_the_listed_public_number():
    out = prepare_petition(_petition(), {"WENZHENG_PUBLIC_NUMBERS": [PUBLIC]})
    assert out.title == "路灯 不亮，电话138****5678，热线13600002222"  # whitespace tidied too
    assert out.body == "本人张*，电话139****5678，热线13600002222"
    assert out.author == "137****1111/13600002222"
    assert out.board == "A3区13600002222"
    assert out.department == "城管局135****3333/13600002222"
    assert out.field == "城建134****4444/13600002222"
    assert out.state == "办理中133****5555/13600002222"
    assert out.places == ["星城小区132****6666/13600002222"]
    assert out.url == "https://wz.example.cn/t/7"
    # a reply keeps its office's contact line; the writer's name is masked there too
    assert out.replies[0].text == "已转交，联系电话0746-8362789，市民张*请留意"
    assert out.replies[0].unit == "城管局131****7777/13600002222"
    assert out.replies[0].author == "回复人150****8888/13600002222"
    assert out.supplements[0].text == "补充：张* 151****9999/13600002222"


def test_prepare_petition_without_settings_masks_the_number_a_setting_would_keep():
    assert prepare_petition(_petition()).board == "A3区136****2222"


def test_output_text_tidies_whitespace_before_masking():
    assert output_text("  电话\t13812345678  ") == "电话 138****5678"
