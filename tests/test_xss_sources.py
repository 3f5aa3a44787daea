"""Each source kind reads hostile text as the text a resident typed: never stripped, HTML decoded once.

- table and JSON values are plain text unless the source names the field in ``html_fields``;
- Discuz! posts are HTML in which the forum escaped what residents typed, so ``&lt;b&gt;`` is ``<b>``;
- RSS titles and categories are text, descriptions HTML (escaped text, as Discuz! writes them).

Forum, feed and JSON run against the local fixture forum (tests/webfixtures) on 127.0.0.1.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from browser.hostile import hostile_forum, nested
from webfixtures import FixtureServer
from webfixtures.helpers import FAST, SPOKES, pull_once
from wenzheng_bridge.config import validate
from wenzheng_bridge.records import SourceError
from wenzheng_bridge.sources.settings import COMMON_OPTIONS
from wenzheng_bridge.sources.table import TableSource
from wenzheng_bridge.store import Store

TEXTS = [
    "<b>“原则上”</b>同意",
    "a<b and c>d",
    "<script>alert(1)</script>路灯",
    "&lt;i&gt;是转义写法&amp;",
    "<img src=x onerror=alert(1)>",
    *(nested("<svg onload=alert(1)>", depth) for depth in (1, 2, 5, 10)),
    "A&B公司, PM2.5<75",
    # feedparser takes an RSS title with an "acceptable" tag for HTML and rewrites it unless told not to:
    '<IMG SRC="jav&#x0A;ascript:alert(3310);">', '<audio src=1 onerror="alert(2)"></audio>', "&#x3C;",
]
SPOKESPERSON = next(iter(SPOKES))


def table(tmp_path: Path, rows: list[list[str]], **options) -> list:
    path = tmp_path / "t.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["留言编号", "留言主题", "留言时间", "留言详情", "留言板块"], *rows])
    values, problems = validate({"name": "t", "kind": "table", "paths": [str(path)], **options},
                                {**COMMON_OPTIONS, **TableSource.options}, "test")
    assert not problems, problems
    return list(TableSource(values, Path("/")).items())


def test_table_cells_are_plain_text_kept_as_typed(tmp_path):
    items = table(tmp_path, [[str(i), f"标题{text}", "2019/3/1 10:00", f"正文{text}", f"{text}区"]
                             for i, text in enumerate(TEXTS)])
    assert [(p.title, p.body, p.board) for p in items] == [
        (f"标题{text}", f"正文{text}", f"{text}区") for text in TEXTS]


def test_a_table_column_declared_html_is_read_once(tmp_path):
    rows = [["1", "t", "2019/3/1 10:00", "<p>路灯&lt;b&gt;坏了</p><script>x()</script>&amp;amp;lt;", "A区"]]
    [plain] = table(tmp_path, rows)
    [declared] = table(tmp_path, rows, html_fields=["body"])
    assert plain.body == rows[0][3]
    assert declared.body == "路灯<b>坏了\n&amp;lt;"


def test_an_html_fields_option_naming_no_field_is_refused():
    _, problems = validate({"name": "t", "kind": "table", "paths": ["x.csv"], "html_fields": ["titel"]},
                           {**COMMON_OPTIONS, **TableSource.options}, "WENZHENG_SOURCES[0]")
    assert any("html_fields" in p and "titel" in p for p in problems), problems


def test_a_table_id_that_cannot_be_part_of_a_url_is_refused_with_file_line_and_column(tmp_path):
    items = table(tmp_path, [["<img src=x onerror=alert(1)>", "t", "2019/3/1 10:00", "", ""],
                             ["../../etc", "t", "2019/3/1 10:00", "", ""], ["7", "好", "2019/3/1 10:00", "", ""]])
    errors = [i for i in items if isinstance(i, SourceError)]
    assert [e.item for e in errors] == ["t.csv 第 2 行", "t.csv 第 3 行"]
    assert all(e.field == "留言编号" and "不能用于网址" in e.problem for e in errors)
    assert [i.source_id for i in items if not isinstance(i, SourceError)] == ["7"]


@pytest.fixture(scope="module")
def web_store(tmp_path_factory):
    from wenzheng_bridge.settings import wenzheng_settings

    folder = tmp_path_factory.mktemp("xss-web")
    data = hostile_forum(10, TEXTS, SPOKESPERSON)
    with FixtureServer(data) as server:
        fids = sorted(data.boards)
        sources = [
            {"name": "forum", "kind": "forum", "url": server.base, "fids": fids, "spokespersons": SPOKES, **FAST},
            {"name": "rss", "kind": "feed", "url": [server.rss_url(f) for f in fids], "full_text": "never", **FAST},
            {"name": "atom", "kind": "feed", "url": [f"{server.base}atom.xml?fid={f}" for f in fids], **FAST},
            {"name": "api", "kind": "json", "url": f"{server.base}api/threads", **FAST},
        ]
        raw = {"WENZHENG_BASE": str(folder), "WENZHENG_STORE": str(folder / "s.sqlite3"), "WENZHENG_SOURCES": sources}
        settings = {**raw, **wenzheng_settings(raw)}
        for source in sources:
            tally = pull_once(settings, source["name"], server.now)
            assert tally.failed == 0 and tally.new == len(TEXTS), (source["name"], tally)
        with Store.open(settings["WENZHENG_STORE"], readonly=True) as store:
            yield {p.key: p for p in store.petitions()}


@pytest.mark.parametrize("source", ["forum", "rss", "atom", "api"])
def test_web_sources_read_the_text_residents_typed(web_store, source):
    for i, text in enumerate(TEXTS):
        p = web_store[f"{source}-{500_010 + i}"]
        assert p.title == f"帖{i} {text}", (source, p.title)
        # (Discuz!'s "<br />\r\n" reads as a blank line on thread pages: paragraphs are compared.)
        assert re.sub(r"\n+", "\n", p.body) == f"楼主{i}：{text}\n第二行", (source, p.body)
        assert p.board == f"{text}版{i}", (source, p.board)
        if source in ("forum", "api"):
            assert p.replies[0].text == f"答复{i}：{text}"
