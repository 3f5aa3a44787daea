"""Newsroom records: plain-text files read back exactly, malformed ones named, articles linked to cases."""
from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from conftest import ROOT
from pelican.settings import DEFAULT_CONFIG
from wenzheng_bridge.newsroom import actions
from wenzheng_bridge.newsroom import records as nr
from wenzheng_bridge.newsroom.articles import read_articles
from wenzheng_bridge.records import SHANGHAI


@pytest.fixture
def settings(make_settings, sample_store, tmp_path):
    (tmp_path / "content").mkdir()
    return make_settings(PATH="content", WENZHENG_STORE=str(sample_store))


@pytest.fixture(scope="module")
def index(sample_store):
    from wenzheng_bridge.store import Store

    with Store.open(sample_store, readonly=True) as store:
        return nr.CaseIndex.from_store(store)


def write_record(settings, name: str, text: str) -> Path:
    path = nr.records_dir(settings) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_hand_written_record_is_read_with_labels_keys_and_gates(settings, index):
    write_record(settings, "tipdm-360100.txt", (
        "# 手写的记录\n"
        "2026-11-20 09:30 | claimed | 张三 | 下午去现场\n"
        "\n"
        "2026-11-21 | 实地走访 | 张三 | 油烟仍在直排，店主电话 13912345678 | https://example.org/photo\n"
        "2026-11-22 | cleared | 李编辑\n"
    ))
    write_record(settings, "tipdm-165105.txt", "2026-11-23 | 撤下 | 李编辑 | 当事人要求撤下\n")
    records = nr.load(settings, index=index)
    claimed, visited = records.followups["tipdm-360100"]
    assert (claimed.kind, claimed.who, claimed.note) == ("claimed", "张三", "下午去现场")
    assert claimed.date == datetime(2026, 11, 20, 9, 30, tzinfo=SHANGHAI)
    assert claimed.origin.endswith("tipdm-360100.txt:2")
    assert (visited.kind, visited.url, visited.origin[-2:]) == ("visited", "https://example.org/photo", ":4")
    assert visited.note == "油烟仍在直排，店主电话 139****5678"  # masked for every output; the file keeps it
    assert records.clearances == {"tipdm-360100"}
    assert records.takedowns == {"tipdm-165105": "当事人要求撤下"}


@pytest.mark.parametrize("line, field, problem", [
    ("2026-13-40 | claimed | 张三", "日期", "2026-13-40"),
    ("昨天 | claimed | 张三", "日期", "昨天"),
    ("2026-11-20 | phoned | 张三", "类型", "phoned"),
    ("2026-11-20 | claimed |  | 没写记者", "人员", "记者姓名"),
    ("2026-11-20 | takedown | 李编辑", "备注", "撤下理由"),
    ("2026-11-20 claimed 张三", "格式", "实际有 1 栏"),
    ("2026-11-20 | visited | 张三 | 备注 | 不是网址", "链接", "不是网址"),
])
def test_malformed_line_names_file_line_and_field(settings, index, line, field, problem):
    path = write_record(settings, "tipdm-360100.txt", f"# 记录\n2026-11-19 | claimed | 张三\n{line}\n")
    with pytest.raises(nr.RecordError) as caught:
        nr.load(settings, index=index)
    error = caught.value
    assert (error.path, error.line, error.field) == (str(path), 3, field)
    assert str(path) in str(error) and "第 3 行" in str(error) and problem in str(error)


def test_record_for_a_case_missing_from_the_store_is_refused(settings, index):
    write_record(settings, "tipdm-999999999.txt", "2026-11-20 | claimed | 张三\n")
    with pytest.raises(nr.RecordError, match="数据库中没有案件 tipdm-999999999"):
        nr.load(settings, index=index)
    (nr.records_dir(settings) / "tipdm-999999999.txt").rename(nr.records_dir(settings) / "notes.txt")
    with pytest.raises(nr.RecordError, match="文件名"):
        nr.load(settings, index=index)


def test_appended_lines_round_trip_and_keep_hand_edits(settings, index):
    path = write_record(settings, "tipdm-360101.txt", "# 编辑手写\n2026-11-01 | claimed | 王五 | 手写的一行")
    actions.write(settings, nr.Entry(case="tipdm-360101", kind="interviewed", who="王五",
                                  note="采访了 A5区 | 环保局\n第二行", date=datetime(2026, 11, 2, 15, 5, tzinfo=SHANGHAI)))
    text = path.read_text(encoding="utf-8")
    assert text.splitlines() == ["# 编辑手写", "2026-11-01 | claimed | 王五 | 手写的一行",
                                 "2026-11-02 15:05 | interviewed | 王五 | 采访了 A5区 ｜ 环保局 第二行"]
    kinds = [f.kind for f in nr.load(settings, index=index).followups["tipdm-360101"]]
    assert kinds == ["claimed", "interviewed"]
    with pytest.raises(nr.RecordError):
        actions.write(settings, nr.Entry(case="tipdm-360101", kind="takedown", who="李编辑",
                                      date=datetime(2026, 11, 3, tzinfo=SHANGHAI)))
    assert path.read_text(encoding="utf-8") == text  # a refused line is never written


def test_bare_source_id_resolves_only_when_unique(index):
    assert index.resolve("360100") == "tipdm-360100"
    assert index.resolve("tipdm-360100") == "tipdm-360100"
    assert index.resolve("42") is None
    two = nr.CaseIndex([("a-1", "1"), ("b-1", "1")])
    assert two.resolve("1") is None and "不唯一" in two.explain("1") and "a-1、b-1" in two.explain("1")


def test_project_articles_link_their_cases_and_only_published_count(settings, index, tmp_path):
    from wenzheng_bridge.settings import load

    project = load(ROOT / "pelicanconf.py")
    articles = read_articles(project)
    sample = [a for a in articles if a.slug == "meili-zhicheng-youyan"]
    assert sample, [a.source_path for a in articles]
    draft = shutil.copy(sample[0].source_path, tmp_path / "draft.md")
    Path(draft).write_text(Path(draft).read_text(encoding="utf-8")
                           .replace("Status: published", "Status: draft").replace("Slug: meili", "Slug: draft-meili"),
                           encoding="utf-8")
    from pelican.contents import Article
    from pelican.readers import Readers

    drafted = Readers({**DEFAULT_CONFIG, **project, "PATH": str(tmp_path)}).read_file(str(tmp_path), "draft.md", content_class=Article)
    records = nr.load(settings, articles=[*sample, drafted], index=index)
    assert sample[0].wenzheng_cases == ["tipdm-360100", "tipdm-360101", "tipdm-360107", "tipdm-360108"]
    assert drafted.wenzheng_cases == sample[0].wenzheng_cases
    assert sorted(records.articles) == sample[0].wenzheng_cases
    ref = records.articles["tipdm-360107"]
    assert [(r.slug, r.url, r.date.isoformat()) for r in ref] == [
        ("meili-zhicheng-youyan", "column/meili-zhicheng-youyan/", "2019-10-08T08:00:00+08:00")]


def test_article_naming_an_unknown_case_warns_with_file_line_and_key(settings, index, tmp_path, caplog):
    from pelican.contents import Article
    from pelican.readers import Readers
    from wenzheng_bridge.settings import load

    path = tmp_path / "bad.md"
    path.write_text("Title: 坏稿\nDate: 2026-11-20\nCases: 360100, tipdm-404404\n\n正文\n", encoding="utf-8")
    project = load(ROOT / "pelicanconf.py")
    article = Readers({**DEFAULT_CONFIG, **project, "PATH": str(tmp_path)}).read_file(str(tmp_path), "bad.md", content_class=Article)
    records = nr.load(settings, articles=[article], index=index)  # the build goes on
    assert article.wenzheng_cases == ["tipdm-360100"] and list(records.articles) == ["tipdm-360100"]
    assert str(path) in caplog.text and "tipdm-404404" in caplog.text and "第 3 行" in caplog.text


def test_bom_is_read_and_full_width_separator_gets_a_hint(settings, index):
    path = nr.records_dir(settings) / "tipdm-360100.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("\ufeff2026-11-20 | claimed | 张三\n".encode("utf-8"))
    assert nr.load(settings, index=index).followups["tipdm-360100"][0].who == "张三"
    path.write_text("2026-11-20｜claimed｜张三\n", encoding="utf-8")
    with pytest.raises(nr.RecordError, match="第 1 行 · 字段 格式.*半角 \\|"):
        nr.load(settings, index=index)


def test_draft_naming_an_unknown_case_only_warns(settings, index, tmp_path, caplog):
    from pelican.contents import Article
    from pelican.readers import Readers
    from wenzheng_bridge.settings import load

    path = tmp_path / "draft.md"
    path.write_text("Title: 草稿\nDate: 2026-11-20\nStatus: draft\nCases: 360100, tipdm-404404\n\n正文\n",
                    encoding="utf-8")
    project = load(ROOT / "pelicanconf.py")
    draft = Readers({**DEFAULT_CONFIG, **project, "PATH": str(tmp_path)}).read_file(str(tmp_path), "draft.md",
                                                                                   content_class=Article)
    records = nr.load(settings, articles=[draft], index=index)
    assert draft.wenzheng_cases == ["tipdm-360100"] and records.articles == {}
    assert "tipdm-404404" in caplog.text and "draft.md" in caplog.text and "第 4 行" in caplog.text
