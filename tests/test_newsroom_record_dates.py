"""Follow-up dates are checked against the build's now and the post's time, naming file and line."""
from __future__ import annotations

import pytest

from wenzheng_bridge.newsroom import records as nr

# tipdm-2554 was posted 2019-04-24 (fj4 of the real sample).


@pytest.fixture
def settings(make_settings, sample_store, tmp_path):
    (tmp_path / "content").mkdir()
    return make_settings(PATH="content", WENZHENG_STORE=str(sample_store),
                         WENZHENG_NOW="2020-01-10T09:00:00+08:00")


def write(settings, text: str):
    path = nr.records_dir(settings) / "tipdm-2554.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("line, words", [
    ("2026-11-20 | visited | 张三", ["2026-11-20", "晚于数据截至时间 2020-01-10 09:00", "将来"]),
    ("2020-01-10 10:30 | visited | 张三", ["2020-01-10 10:30", "晚于数据截至时间"]),
    ("2019-04-23 | claimed | 张三", ["2019-04-23", "早于留言发布时间 2019-04-24"]),
])
def test_impossible_dates_are_refused_with_file_and_line(settings, line, words):
    path = write(settings, f"# 记录\n2019-05-10 | claimed | 张三\n{line}\n")
    with pytest.raises(nr.RecordError) as caught:
        nr.load(settings)
    message = str(caught.value)
    assert str(path) in message and "第 3 行" in message and "日期" in message
    assert all(word in message for word in words)


def test_possible_dates_pass(settings):
    # The day of the post (date only) and the build's day (date only) are both fine.
    write(settings, "2019-04-24 | claimed | 张三\n2020-01-10 | visited | 张三\n")
    records = nr.load(settings)
    assert [f.kind for f in records.followups["tipdm-2554"]] == ["claimed", "visited"]
