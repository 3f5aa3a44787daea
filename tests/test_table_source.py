"""The table adapter on the real sample: exact counts, dates, whitespace, bad input."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from conftest import sheet_dicts, tipdm_source
from wenzheng_bridge.config import validate
from wenzheng_bridge.records import SHANGHAI, Petition, SourceError
from wenzheng_bridge.sources.settings import COMMON_OPTIONS
from wenzheng_bridge.sources.table import TableSource


def adapter(**overrides) -> TableSource:
    values, problems = validate(tipdm_source(**overrides), {**COMMON_OPTIONS, **TableSource.options}, "test")
    assert problems == []
    return TableSource(values, Path("/"))


@pytest.fixture(scope="module")
def petitions() -> dict[str, Petition]:
    items = list(adapter().items())
    assert all(isinstance(i, Petition) for i in items)
    return {p.source_id: p for p in items}


def raw_rows(name: str) -> list[dict]:
    return sheet_dicts(name)


def test_real_sample_counts(petitions):
    assert len(petitions) == 644
    assert sum(1 for p in petitions.values() if p.replies and p.replies[0].time) == 120
    assert sum(1 for p in petitions.values() if p.likes is not None and p.dislikes is not None) == 30
    assert sum(1 for p in petitions.values() if p.field) == 494


def test_double_labelled_post_is_one_petition_with_both_labels(petitions):
    rows = [r for r in raw_rows("fj2_sample495_labelled.xlsx") if str(r["留言编号"]) == "37042"]
    assert len(rows) == 2
    p = petitions["37042"]
    assert {p.field, *p.extra["other_fields"]} == {r["一级分类"] for r in rows}


def test_label_tree_is_the_list_of_fields():
    labels = adapter().labels()
    assert len(labels) == 517
    assert len({row[0] for row in labels}) == 15
    assert ("城乡建设", "安全生产", "事故处理") in labels


def test_text_and_excel_dates_parse(petitions):
    assert petitions["2549"].posted == datetime(2019, 4, 25, 9, 32, 9, tzinfo=SHANGHAI)
    assert petitions["2549"].replies[0].time == datetime(2019, 5, 10, 14, 56, 53, tzinfo=SHANGHAI)
    excel_cell = [r for r in raw_rows("fj4_sample120_replies.xlsx") if str(r["留言编号"]) == "2759"][0]
    assert isinstance(excel_cell["留言时间"], datetime) or isinstance(excel_cell["答复时间"], datetime)
    p = petitions["2759"]
    assert p.posted.tzinfo is not None and p.replies[0].time.tzinfo is not None


def test_scraped_whitespace_is_stripped(petitions):
    raw = raw_rows("fj2_sample495_labelled.xlsx")[0]
    assert raw["留言详情"].startswith("\n\t")
    body = petitions[str(raw["留言编号"])].body
    assert body == body.strip() and "\t" not in body and body


def test_missing_required_column_names_source_file_and_field(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("留言编号,留言时间\n1,2019/2/28 11:25:05\n", encoding="utf-8")
    items = list(adapter(paths=[str(path)]).items())
    assert len(items) == 1 and isinstance(items[0], SourceError)
    message = str(items[0])
    assert "tipdm" in message and "export.csv" in message and "title" in message and "留言主题" in message


def test_a_bad_date_keeps_the_row_with_the_problem_flagged(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "留言编号,留言主题,留言时间\n1,好题目,2019/2/28 11:25:05\n2,坏日期,去年夏天\n3,日期,2019/3/1\n",
        encoding="utf-8",
    )
    items = list(adapter(paths=[str(path)]).items())
    assert all(isinstance(i, Petition) for i in items)
    assert [p.source_id for p in items] == ["1", "2", "3"]
    kept = items[1]
    assert kept.title == "坏日期" and kept.posted is None
    assert len(kept.extra["problems"]) == 1
    assert "留言时间" in kept.extra["problems"][0] and "去年夏天" in kept.extra["problems"][0]
    assert "date_formats" in kept.extra["problems"][0]
    assert items[2].posted == datetime(2019, 3, 1, tzinfo=SHANGHAI) and items[2].extra["date_only"] == ["posted"]
    assert "date_only" not in items[0].extra and "problems" not in items[0].extra


def test_config_check_names_every_bad_key():
    entry = tipdm_source(colums={}, paths=["nope.xlsx"], rate_limit="fast")
    values, problems = validate(entry, {**COMMON_OPTIONS, **TableSource.options}, "WENZHENG_SOURCES[0]")
    text = "\n".join(problems)
    assert "colums" in text and "rate_limit" in text


def test_a_row_without_a_title_is_reported_not_stored(tmp_path):
    """As the JSON adapter does: an untitled post would be a blank line on every index page."""
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("留言编号,留言主题,留言时间\n1,有标题,2019/2/28 11:25:05\n2,,2019/3/1\n3,  ,2019/3/2\n",
                     encoding="utf-8")
    second.write_text("留言编号,留言主题,留言时间\n3,补上的标题,2019/3/2\n", encoding="utf-8")
    items = list(adapter(paths=[str(first), str(second)]).items())
    assert [i.source_id for i in items if isinstance(i, Petition)] == ["1", "3"]
    assert [i for i in items if isinstance(i, Petition)][1].title == "补上的标题"
    errors = [str(i) for i in items if isinstance(i, SourceError)]
    assert len(errors) == 1 and "tipdm" in errors[0] and "编号 2" in errors[0] and "留言主题" in errors[0]
    assert "a.csv 第 3 行" in errors[0], errors[0]
    assert "缺少标题" in errors[0]
