"""Property-based tests: the feed, forum HTML, JSON and table parsers raise nothing but SourceError.

Inputs are arbitrary text and, more usefully, real fixture pages (built from
the real sample) with random cuts, splices and byte damage.
"""
from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from webfixtures import ForumData, MemoryContext, render
from wenzheng_bridge.config import validate
from wenzheng_bridge.records import Petition, SourceError
from wenzheng_bridge.sources.feed import FeedSource, parse_feed
from wenzheng_bridge.sources.forum import ForumSource, parse_board_page, parse_thread, thread_petition
from wenzheng_bridge.sources.jsonapi import JsonApiSource
from wenzheng_bridge.sources.settings import COMMON_OPTIONS
from wenzheng_bridge.sources.table import TableSource

DATA = ForumData.from_sample()
NOW = render.fixed_now(DATA)
BASE = "http://127.0.0.1:8/"
ANSWERED = next(t.tid for t in DATA.board_threads(40) if t.replies)
REAL_PAGES = [
    render.board_page(DATA, 2, 1, NOW),
    render.board_page(DATA, 40, 1, NOW, titles=False),
    render.thread_page(DATA, ANSWERED, NOW),
    render.thread_page(DATA, DATA.board_threads(2)[0].tid, NOW),
]
REAL_FEEDS = [render.rss(DATA, 2, BASE), render.atom(DATA, 40, BASE)]
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CJK = re.compile("[\u4e00-\u9fff]")


def assert_chinese_error(error: SourceError, source: str) -> None:
    """A journalist-readable error: the source named, the message in Chinese."""
    assert error.source == source and CJK.search(str(error)), str(error)


def assert_shanghai(moment) -> None:
    assert moment is None or moment.utcoffset() == timedelta(hours=8), moment
JUNK = st.sampled_from(["<", ">", "&", "</td>", "<tbody id=\"normalthread_x\">", "<em id=\"authorposton1\">",
                        "<span title=\"共 x 页\">", "昨天 99:99", "发表于 2019-13-45 25:61:61", "\x00", "\ufffd",
                        "]]>", "<![CDATA[", "<item>", "</rss>", "&#xD800;", "<pubDate>去年</pubDate>"])


@st.composite
def damaged(draw, pages):
    """A real page with a random slice cut out and random junk spliced in."""
    text = draw(st.sampled_from(pages))
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, min(len(text), start + draw(st.integers(0, 4000)))))
    splice = draw(st.lists(st.one_of(JUNK, st.text(max_size=30)), max_size=4))
    return text[:start] + "".join(splice) + text[end:]




@FUZZ
@given(st.one_of(damaged(REAL_PAGES), st.text(max_size=2000)))
def test_forum_parsers_raise_only_source_errors(html):
    for parse in (parse_board_page, parse_thread):
        try:
            result = parse(html, NOW, "forum", "fuzz")
        except SourceError as error:
            assert error.source == "forum" and "fuzz" in error.item
            continue
        if parse is parse_thread:
            petition = thread_petition(CONFIG, "1", BASE, result)
            assert isinstance(petition, Petition) and petition.fingerprint()
            assert petition.source == "forum" and petition.source_id == "1"
            assert_shanghai(petition.posted)
            assert all(reply.text for reply in petition.replies)
            for reply in petition.replies:
                assert_shanghai(reply.time)


def test_a_garbled_view_count_is_a_source_error_naming_the_field():
    """Found by the fuzzer in CI: '>77' for 查看 raised a bare ValueError out of the thread parser."""
    page = REAL_PAGES[2]
    garbled, count = re.subn(r'(<span class="xi1">)(\d+)(</span>)', r"\1>\2\3", page, count=1)
    assert count == 1
    with pytest.raises(SourceError) as raised:
        parse_thread(garbled, NOW, "forum", "fuzz")
    assert raised.value.source == "forum" and "查看/回复数" in raised.value.field and "不是数字" in str(raised.value)
    assert parse_thread(page, NOW, "forum", "fuzz").views is not None  # the page as served reads


def _memory(text):
    from wenzheng_bridge.fetching import Page

    page = Page(BASE + "feed", BASE + "feed", 200, text.encode("utf-8", "surrogatepass"), {})
    return MemoryContext(page, NOW)


def _values(cls, entry):
    values, problems = validate(entry, {**COMMON_OPTIONS, **cls.options}, "fuzz")
    assert not problems
    return values


CONFIG = _values(ForumSource, {"name": "forum", "kind": "forum", "url": BASE, "fids": [2],
                               "spokespersons": {"问政发言人": "A市网络发言人办公室"}})
FEED = FeedSource(_values(FeedSource, {"name": "rss", "kind": "feed", "url": BASE + "feed", "full_text": "never"}),
                  Path("/"))


@FUZZ
@example('<?xml version="1.0"?><rss version="2.0"><channel><item><title>&#xD800;</title></item></channel></rss>')
@given(st.one_of(damaged(REAL_FEEDS), st.text(max_size=2000)))
def test_feed_adapter_yields_only_records_and_source_errors(text):
    try:
        parse_feed(text, "rss", "fuzz")
    except SourceError:
        pass
    for item in FEED.items(_memory(text)):
        assert isinstance(item, (Petition, SourceError))
        if isinstance(item, Petition):
            assert item.title and item.fingerprint()
            assert item.source == "rss" and item.source_id
            assert_shanghai(item.posted)
        else:
            assert_chinese_error(item, "rss")


API = JsonApiSource(_values(JsonApiSource, {"name": "api", "kind": "json", "url": BASE + "api", "max_pages": 2}),
                    Path("/"))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)
API_KEYS = st.sampled_from(["tid", "subject", "content", "nickName", "dateline", "domainName", "typeName",
                            "stateInfo", "answerContent", "answerDateline", "answerOrganization", "favNum"])


@FUZZ
@given(st.lists(st.dictionaries(API_KEYS, JSON_VALUES, max_size=12), max_size=5), st.text(max_size=50))
def test_json_adapter_yields_only_records_and_source_errors(rows, junk):
    tids = {str(row["tid"]).strip() for row in rows if isinstance(row.get("tid"), (int, str))}
    items = list(API.items(_memory(json.dumps({"responseData": rows}))))
    petitions = [item for item in items if isinstance(item, Petition)]
    # The memory page answers every request, so the walk reads it at most twice (max_pages=2):
    # one item per row and read, plus one paging error per read.
    assert len(items) <= 2 * (len(rows) + 1)
    for petition in petitions:
        assert petition.source == "api" and petition.source_id in tids and petition.title.strip()
        assert_shanghai(petition.posted)
    for item in items:
        if isinstance(item, SourceError):
            assert_chinese_error(item, "api")
    try:
        json.loads(junk)
    except ValueError:  # text that is not JSON: one Chinese error, no petition
        items = list(API.items(_memory(junk)))
        assert len(items) == 1 and isinstance(items[0], SourceError)
        assert_chinese_error(items[0], "api")


CELLS = st.one_of(st.text(max_size=15), st.sampled_from(["2019/2/28 11:25:05", "2019-13-01", "1e400", "-5", "",
                                                         "nan", "３", "2019年2月30日"]))


@FUZZ
@example([["7", "路灯", "2019/2/28 11:25:05", "1e400", "", ""]], ["留言编号", "留言主题", "留言时间", "点赞数", "答复意见", "答复时间"])
@given(st.lists(st.lists(CELLS, min_size=0, max_size=6), max_size=6),
       st.sampled_from([["留言编号", "留言主题", "留言时间", "点赞数", "答复意见", "答复时间"], ["留言主题"], []]))
def test_table_parser_yields_only_records_and_source_errors(tmp_path_factory, rows, header):
    import csv

    path = tmp_path_factory.mktemp("fuzz") / "export.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows] if header else rows)
    source = TableSource(_values(TableSource, {"name": "t", "kind": "table", "paths": [str(path)]}), Path("/"))
    items = list(source.items())
    def bare(cell: str) -> str:
        """The id as the adapter may tidy it: whitespace gone, an Excel float id (7.0) read as 7."""
        cell = re.sub(r"\s", "", cell)
        return re.sub(r"^(\d+)\.0+$", r"\1", cell)

    ids = {bare(row[0]) for row in rows if row and header[:1] == ["留言编号"]}
    assert len(items) <= max(len(rows), 1)
    for item in items:
        assert isinstance(item, (Petition, SourceError))
        if isinstance(item, Petition):
            assert item.source == "t" and bare(item.source_id) in ids
            assert_shanghai(item.posted)
        else:
            assert_chinese_error(item, "t")
            assert "export.csv" in str(item)
