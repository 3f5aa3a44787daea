"""Publications and columns of column articles (Publication:, Column:; defaults in settings) on the sample."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from browser import site_build
from wenzheng_bridge.newsroom.articles import read_articles
from wenzheng_bridge.newsroom.records import load

ARTICLE = """Title: {title}
Date: {date}
Status: published
Cases: {cases}
{extra}
正文。
"""


def write_article(folder, name, title, date, cases, extra=""):
    (folder / "articles").mkdir(exist_ok=True)
    (folder / "articles" / f"{name}.md").write_text(
        ARTICLE.format(title=title, date=date, cases=cases, extra=extra), encoding="utf-8")


@pytest.fixture
def content(tmp_path):
    write_article(tmp_path, "a", "油烟扰民追踪", "2019-10-08 08:00", "tipdm-360100",
                  "Publication: 《西江都市报》\nColumn: 点击问政")
    write_article(tmp_path, "b", "油烟扰民再追踪", "2019-10-20 08:00", "tipdm-360100, tipdm-360101")
    return tmp_path


def refs(make_settings, sample_store, content, **extra):
    settings = make_settings(WENZHENG_STORE=str(sample_store), PATH=str(content), ARTICLE_PATHS=["articles"], **extra)
    return load(settings, articles=read_articles(settings)).articles


def test_articles_name_their_publication_and_column_or_take_the_defaults(make_settings, sample_store, content):
    found = refs(make_settings, sample_store, content)
    first, second = found["tipdm-360100"]
    assert (first.title, first.publication, first.column) == ("油烟扰民追踪", "《西江都市报》", "点击问政")
    assert (second.publication, second.column) == ("本报", "零距离问政")  # the settings' defaults
    assert [(r.publication, r.column) for r in found["tipdm-360101"]] == [("本报", "零距离问政")]
    other = refs(make_settings, sample_store, content, WENZHENG_PUBLICATION="《梧州日报》", WENZHENG_COLUMN="零距离问政")
    assert [(r.publication, r.column) for r in other["tipdm-360100"]] == [("《西江都市报》", "点击问政"),
                                                                       ("《梧州日报》", "零距离问政")]


@pytest.mark.slow
def test_case_pages_and_article_pages_show_publication_and_column(tmp_path_factory):
    site = site_build(tmp_path_factory)
    # The demo article names tipdm-360100 with Publication: 本报 and Column: 零距离问政.
    case = BeautifulSoup(site.page("cases/tipdm-360100/").read_bytes(), "lxml")
    coverage = case.select_one("section.coverage")
    assert coverage is not None
    line = re.sub(r"\s+", " ", coverage.select_one("li").get_text(" "))
    assert line.startswith("本报“零距离问政” 魅力之城小区楼下油烟夜宵摊")
    article = BeautifulSoup(site.page("column/meili-zhicheng-youyan/").read_bytes(), "lxml")
    assert article.select_one(".kicker").get_text() == "零距离问政"
    assert article.select_one("p.publication").get_text() == "本报“零距离问政”栏目"
