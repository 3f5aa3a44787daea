"""Excel times are Shanghai time whatever zone the machine is in (issue 20: a naive Excel datetime
read with ``astimezone`` survived, +8 h on a UTC machine).

The other planted bugs of issue 20 have their tests beside their module's: the status precedence
in test_mutation_status.py, the store's "back" change and ``gone_since`` in test_store.py.
"""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

import openpyxl
import pytest

from conftest import SAMPLE
from wenzheng_bridge.records import SHANGHAI
from wenzheng_bridge.sources.common import parse_datetime, read_time


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


# -- Excel datetimes are Shanghai time whatever the machine's zone ---------

@pytest.fixture(params=["UTC", "America/New_York", "Asia/Shanghai"])
def machine_zone(request, monkeypatch):
    # In-process (time.tzset) rather than a subprocess, so a mutation tool running this test
    # in its own process sees the mutated code too.
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def test_naive_excel_datetime_is_read_as_shanghai_time(machine_zone):
    # The first 留言时间 cell of the real sheet, as openpyxl hands it over: a naive datetime.
    sheet = openpyxl.load_workbook(SAMPLE / "fj3_sample30_likes.xlsx", read_only=True).active
    rows = sheet.iter_rows(values_only=True)
    header = next(rows)
    cell = next(rows)[header.index("留言时间")]
    assert isinstance(cell, datetime) and cell.tzinfo is None
    moment, date_only = read_time(cell)
    assert moment.utcoffset() == timedelta(hours=8)
    assert moment.replace(tzinfo=None) == cell  # same wall-clock reading, hour included
    assert moment.astimezone(timezone.utc) == cell.replace(tzinfo=timezone.utc) - timedelta(hours=8)
    assert date_only is (cell.time() == datetime.min.time())


def test_text_and_serial_dates_are_shanghai_time(machine_zone):
    assert parse_datetime("2019/2/28 11:25:05") == at(2019, 2, 28, 11, 25, 5)
    assert parse_datetime(datetime(2019, 2, 28, 11, 25, 5)).hour == 11
    # 43524 is Excel's serial for 2019-02-28 (days since 1899-12-30); .5 is noon.
    assert read_time(43524.5) == (at(2019, 2, 28, 12, 0), False)
    assert read_time(date(2019, 2, 28)) == (at(2019, 2, 28), True)
