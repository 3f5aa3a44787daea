"""Tables as real exports come: mixed date formats, several sheets, GBK, Excel escapes, broken files,
and the guard against an export that lost its rows (real sample rows throughout)."""
from __future__ import annotations

import os
import shutil
import time
from datetime import datetime, timedelta

import openpyxl
import pytest

from conftest import SAMPLE, tipdm_source
from webfixtures.helpers import pull_once, stored_ids
from wenzheng_bridge.records import SHANGHAI, Petition
from wenzheng_bridge.store import Store
from wenzheng_bridge.sources.table import TableSource

HEADER = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情"]


def real_rows(name: str = "fj4_sample120_replies.xlsx") -> list[tuple]:
    sheet = openpyxl.load_workbook(SAMPLE / name, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    return [r[:5] for r in rows[1:] if r[0] is not None]


def settings_for(make_settings, path, **options):
    return make_settings([{"name": "hotline", "kind": "table", "paths": [str(path)], **options}])


def stored(settings) -> dict[str, Petition]:
    with Store.open(settings["WENZHENG_STORE"]) as store:
        return {p.source_id: p for p in store.petitions()}


def hotline_workbook(path, rows, formats):
    """A 12345-style export: a cover sheet first, the data on sheet '2019年', times in ``formats`` in turn."""
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表由市长热线系统导出"])
    sheet = book.create_sheet("2019年")
    sheet.append(HEADER)
    written = {}
    for index, (sid, user, title, posted, body) in enumerate(rows):
        moment = posted if isinstance(posted, datetime) else datetime.strptime(posted, "%Y/%m/%d %H:%M:%S")
        form = formats[index % len(formats)]
        cell = form(moment)
        sheet.append([sid, user, title, cell, body])
        written[str(sid)] = (moment, form)
    book.save(path)
    return written


FORMATS = {
    "text with time": lambda m: f"{m.year}/{m.month}/{m.day} {m:%H:%M:%S}",
    "iso date": lambda m: f"{m:%Y-%m-%d}",
    "US date": lambda m: f"{m.month}/{m.day}/{m.year}",
    "Excel serial": lambda m: (m - datetime(1899, 12, 30)).days + (m - datetime.combine(m.date(), datetime.min.time())).seconds / 86400,
    "Excel datetime": lambda m: m,
}


def test_every_common_date_format_of_a_hotline_export_is_read_on_the_named_sheet(tmp_path, make_settings):
    path = tmp_path / "12345.xlsx"
    written = hotline_workbook(path, real_rows(), list(FORMATS.values()))
    first_sheet = settings_for(make_settings, path)
    tally = pull_once(first_sheet, "hotline", datetime.now(SHANGHAI))
    assert tally.new == 0 and tally.failed == 1 and "留言编号" in tally.errors[0]  # the cover sheet has no table
    settings = settings_for(make_settings, path, sheet="2019年")
    tally = pull_once(settings, "hotline", datetime.now(SHANGHAI))
    assert (tally.new, tally.failed, tally.warnings) == (120, 0, [])
    by_form = {form: name for name, form in FORMATS.items()}
    for sid, p in stored(settings).items():
        moment, form = written[sid]
        name = by_form[form]
        if name in ("iso date", "US date"):
            assert p.posted == datetime(moment.year, moment.month, moment.day, tzinfo=SHANGHAI), (sid, name)
            assert p.extra["date_only"] == ["posted"]
        else:
            assert abs(p.posted - moment.replace(tzinfo=SHANGHAI)) < timedelta(seconds=1), (sid, name)
            assert "date_only" not in p.extra or moment.time() == datetime.min.time()
    wrong = settings_for(make_settings, path, sheet="2020年")
    tally = pull_once(wrong, "hotline", datetime.now(SHANGHAI))
    assert tally.failed == 1 and "2020年" in tally.errors[0] and "说明、2019年" in tally.errors[0]
    assert "12345.xlsx" in tally.errors[0]


def test_naive_excel_times_are_shanghai_time_on_a_machine_in_another_zone(tmp_path, make_settings, monkeypatch):
    path = tmp_path / "12345.xlsx"
    hotline_workbook(path, real_rows()[:10], [FORMATS["Excel datetime"]])
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        settings = settings_for(make_settings, path, sheet=2)
        pull_once(settings, "hotline", datetime.now(SHANGHAI))
    finally:
        monkeypatch.undo()
        time.tzset()
    first = real_rows()[0]
    p = stored(settings)[str(first[0])]
    expected = datetime.strptime(first[3], "%Y/%m/%d %H:%M:%S") if isinstance(first[3], str) else first[3]
    assert p.posted.utcoffset() == timedelta(hours=8) and p.posted.replace(tzinfo=None) == expected


def test_an_odd_date_keeps_the_row_flagged_and_date_formats_read_it(tmp_path, make_settings):
    rows = real_rows()[:40]
    path = tmp_path / "export.csv"
    lines = [",".join(HEADER)]
    for index, (sid, user, title, posted, body) in enumerate(rows):
        moment = posted if isinstance(posted, datetime) else datetime.strptime(posted, "%Y/%m/%d %H:%M:%S")
        cell = f"{moment:%Y.%m.%d} {moment.hour}点{moment.minute}分" if index % 4 == 0 else f"{moment:%Y-%m-%d %H:%M:%S}"
        lines.append(",".join([str(sid), user, f'"{title}"', cell, '"' + (body or "").replace('"', '""') + '"']))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = settings_for(make_settings, path)
    tally = pull_once(settings, "hotline", datetime.now(SHANGHAI))
    assert (tally.new, tally.failed, len(tally.warnings)) == (40, 0, 10)  # no row lost
    assert all("留言时间" in w and "点" in w and "date_formats" in w for w in tally.warnings)
    assert sum(p.posted is None for p in stored(settings).values()) == 10
    fixed = make_settings([{"name": "hotline", "kind": "table", "paths": [str(path)],
                            "date_formats": ["%Y.%m.%d %H点%M分"]}])
    tally = pull_once(fixed, "hotline", datetime.now(SHANGHAI))
    assert tally.warnings == [] and tally.updated == 10
    assert all(p.posted is not None and "problems" not in p.extra for p in stored(fixed).values())


def test_excel_escapes_are_decoded_into_line_breaks(make_settings):
    settings = make_settings([tipdm_source()])
    pull_once(settings, "tipdm", datetime.now(SHANGHAI))
    petitions = stored(settings)
    assert not [p.key for p in petitions.values() if "_x000D_" in p.body + "".join(r.text for r in p.replies)]
    raw = [r for r in real_rows("fj2_sample495_labelled.xlsx") if r[0] == 111335][0][4]
    assert raw.count("_x000D_") >= 1
    lines = petitions["111335"].body.splitlines()
    assert len(lines) == raw.count("_x000D_\n") + 1  # each escaped break is a paragraph of its own
    assert lines[1].startswith("还曾记否第一次招标时")


@pytest.mark.parametrize("encoding,declared", [("gbk", ""), ("utf-8-sig", ""), ("utf-8", ""), ("gbk", "gb18030")])
def test_csv_encodings_are_recognised(tmp_path, make_settings, encoding, declared):
    rows = real_rows()[:30]
    text = "\n".join([",".join(HEADER)] + [
        ",".join([str(sid), user, title, posted if isinstance(posted, str) else f"{posted:%Y/%m/%d %H:%M:%S}",
                  '"' + (body or "").strip().replace('"', '""') + '"'])
        for sid, user, title, posted, body in rows]) + "\n"
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode(encoding, errors="strict"))
    settings = settings_for(make_settings, path, **({"encoding": declared} if declared else {}))
    assert pull_once(settings, "hotline", datetime.now(SHANGHAI)).new == 30
    assert {p.title for p in stored(settings).values()} == {r[2] for r in rows}


def test_a_gbk_csv_declared_utf8_names_the_file_and_the_encoding_option(tmp_path, make_settings):
    path = tmp_path / "导出.csv"
    path.write_bytes(("留言编号,留言主题,留言时间\n1,路灯不亮,2019/2/28 11:25:05\n").encode("gbk"))
    tally = pull_once(settings_for(make_settings, path, encoding="utf-8"), "hotline", datetime.now(SHANGHAI))
    assert tally.failed == 1 and str(path) in tally.errors[0] and "'encoding'" in tally.errors[0]
    assert "utf-8" in tally.errors[0]


@pytest.mark.parametrize("damage", ["truncated", "empty", "garbage", "garbage.csv"])
def test_a_broken_file_is_one_error_naming_it(tmp_path, make_settings, damage):
    real = (SAMPLE / "fj4_sample120_replies.xlsx").read_bytes()
    path = tmp_path / ("export.csv" if damage.endswith(".csv") else "export.xlsx")
    path.write_bytes({"truncated": real[: len(real) // 2], "empty": b"",
                      "garbage": os.urandom(4096), "garbage.csv": os.urandom(4096)}[damage])
    tally = pull_once(settings_for(make_settings, path), "hotline", datetime.now(SHANGHAI))
    assert tally.failed == 1 and tally.new == 0
    assert str(path) in tally.errors[0] and "来源 hotline" in tally.errors[0]
    assert "程序内部错误" not in tally.errors[0]


def test_an_export_that_lost_its_rows_does_not_empty_the_store(tmp_path, make_settings):
    path = tmp_path / "fj4.xlsx"
    shutil.copy(SAMPLE / "fj4_sample120_replies.xlsx", path)
    settings = settings_for(make_settings, path)
    assert pull_once(settings, "hotline", datetime.now(SHANGHAI)).new == 120
    book = openpyxl.load_workbook(path)
    header = [c.value for c in book.active[1]]
    book.active.delete_rows(2, book.active.max_row)  # only the header row is left
    book.save(path)
    tally = pull_once(settings, "hotline", datetime.now(SHANGHAI))
    assert tally.gone == 0 and tally.failed == 1
    assert "120 / 120" in tally.errors[0] and "complete_snapshot" in tally.errors[0]
    assert len(stored_ids(settings, "hotline")) == 120
    assert all(not p.seen.get("gone_since") for p in stored(settings).values())
    # a few rows dropped is an ordinary change: those are gone
    fewer = openpyxl.Workbook()
    fewer.active.append(header)
    for row in list(openpyxl.load_workbook(SAMPLE / "fj4_sample120_replies.xlsx").active.iter_rows(values_only=True))[1:111]:
        fewer.active.append(row)
    fewer.save(path)
    assert pull_once(settings, "hotline", datetime.now(SHANGHAI)).gone == 10
    # declared complete: the source is trusted even when everything vanished
    book = openpyxl.Workbook()
    book.active.append(header)
    book.save(path)
    trusted = settings_for(make_settings, path, complete_snapshot=True)
    tally = pull_once(trusted, "hotline", datetime.now(SHANGHAI))
    assert tally.gone == 110 and tally.failed == 0


def test_options_are_checked(tmp_path):
    from wenzheng_bridge.config import validate
    from wenzheng_bridge.sources.settings import COMMON_OPTIONS

    entry = tipdm_source(gone_guard=1.5, sheet=[1], date_formats="%Y")
    problems = validate(entry, {**COMMON_OPTIONS, **TableSource.options}, "WENZHENG_SOURCES[0]")[1]
    text = "\n".join(problems)
    assert "gone_guard" in text and "sheet" in text and "date_formats" in text


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_a_quoted_csv_cell_keeps_its_lines(tmp_path, make_settings, encoding):
    # 10689's real text: a lead paragraph and seven numbered points (1．…), one per line
    raw = [r for r in real_rows("fj2_sample495_labelled.xlsx") if r[0] == 10689][0]
    body = "\n".join(line.strip() for line in raw[4].replace("_x000D_", "").split("\n") if line.strip())
    assert body.count("\n") >= 7
    path = tmp_path / "export.csv"
    quoted = '"' + body.replace('"', '""') + '"'
    path.write_bytes(("\r\n".join([",".join(HEADER), f"10689,{raw[1]},{raw[2]},{raw[3]},{quoted}"]) + "\r\n")
                     .encode(encoding, errors="replace"))
    settings = settings_for(make_settings, path)
    assert pull_once(settings, "hotline", datetime.now(SHANGHAI)).new == 1
    kept = stored(settings)["10689"].body.splitlines()
    assert len(kept) == body.count("\n") + 1 and [line for line in kept if line.startswith("3．")]
