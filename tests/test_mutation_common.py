"""The shared source rules (sources/common.py) one by one: times, types, numbers, whitespace.

Written for the mutants that survived the first mutmut run on the module (bench/RESULTS-mutation.md);
expectations come from the definitions (Excel's serial day 1 = 1900-01-01, so day 0 = 1899-12-30;
ISO 8601's week dates; the documented type rule), not from the functions' output.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from wenzheng_bridge.records import SHANGHAI
from wenzheng_bridge.sources.common import (clean_text, infer_type, infer_type_evidence, normalise_type,
                                            petition_type, places, read_time, to_int)


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


# -- times

def test_an_aware_datetime_keeps_its_instant_and_is_never_date_only():
    utc_midnight = datetime(2019, 2, 28, 0, 0, tzinfo=timezone.utc)
    moment, date_only = read_time(utc_midnight)
    assert moment == utc_midnight and moment.utcoffset() == timedelta(0) and date_only is False
    assert read_time(datetime(2019, 2, 28)) == (at(2019, 2, 28), True)  # a naive midnight: a day only


@pytest.mark.parametrize("value, expected", [
    (20000.5, (at(1954, 10, 3, 12, 0), False)),  # 1899-12-30 + 20000.5 days
    (79999, (at(2119, 1, 10), True)),  # 43524 is 2019-02-28; 36,475 days on (2100 is no leap year)
    ("43524", (at(2019, 2, 28), True)),
    ("20000.5", (at(1954, 10, 3, 12, 0), False)),
    ("79999", (at(2119, 1, 10), True)),
])
def test_excel_serial_days_inside_the_range(value, expected):
    assert read_time(value) == expected


@pytest.mark.parametrize("value", [20000, 80000, "20000", "80000"])
def test_numbers_outside_the_serial_range_are_not_dates(value):
    with pytest.raises(ValueError, match="无法识别的时间"):
        read_time(value)


def test_given_formats_are_tried_in_order_and_keep_a_given_zone():
    assert read_time("28.02.2019", formats=["%Y-%m-%d", "%d.%m.%Y"]) == (at(2019, 2, 28), True)
    assert read_time("28.02.2019 11:25", formats=["%d.%m.%Y %H:%M"]) == (at(2019, 2, 28, 11, 25), False)
    moment, date_only = read_time("2019-02-28 03:25 +0000", formats=["%Y-%m-%d %H:%M %z"])
    assert moment == datetime(2019, 2, 28, 3, 25, tzinfo=timezone.utc) and moment.utcoffset() == timedelta(0)
    assert date_only is False
    assert read_time("02/28/19 11PM", formats=["%m/%d/%y %I%p"]) == (at(2019, 2, 28, 23, 0), False)


@pytest.mark.parametrize("text, expected", [
    ("12/31/2016 9:05", (at(2016, 12, 31, 9, 5), False)),  # Excel's US display: month first
    ("12/5/2016", (at(2016, 12, 5), True)),
    ("3/4/2016", (at(2016, 3, 4), True)),
    ("13/5/2016", (at(2016, 5, 13), True)),  # first number above 12: day first
    ("31/12/2016 23:59:59", (at(2016, 12, 31, 23, 59, 59), False)),
])
def test_us_style_dates(text, expected):
    assert read_time(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("2019-W09-4", (at(2019, 2, 28), True)),  # ISO 8601 week date: Thursday of week 9
    ("20190228", (at(2019, 2, 28), True)),
    ("20190228T11", (at(2019, 2, 28, 11, 0), False)),
    ("2019-02-28T03:25:05+00:00", (datetime(2019, 2, 28, 3, 25, 5, tzinfo=timezone.utc), False)),
])
def test_other_iso_forms(text, expected):
    moment, date_only = read_time(text)
    assert (moment, date_only) == expected and moment.utcoffset() == expected[0].utcoffset()


def test_an_impossible_date_names_itself_in_chinese():
    with pytest.raises(ValueError, match=r"无法识别的时间 2019-2-30（"):
        read_time("2019/2/30 10:00")


# -- types

def test_normalise_type_maps_platform_names_and_drops_unknown_ones():
    assert normalise_type("") == "" and normalise_type(None) == ""
    assert normalise_type(" 投诉 ") == "诉求" and normalise_type("建言献策") == "建议"
    assert normalise_type("投诉/求助类") == "诉求"  # a known name inside the label
    assert normalise_type("其他") == ""
    assert normalise_type("民生", {"民生": "诉求"}) == "诉求" and normalise_type("民生") == ""


def test_the_type_rule_reads_the_title_then_the_first_200_characters_of_the_body():
    title = "关于小区的事情"  # no rule word
    assert infer_type_evidence(title, "可以办理吗") == ("咨询", "正文“可以…理吗”")  # a span: its ends only
    assert infer_type_evidence(title, "可以办吗") == ("咨询", "正文“可以办吗”")
    assert infer_type(title, "楼下夜宵店油烟很大") == "诉求"
    assert infer_type_evidence(title, "啊" * 199 + "臭") == ("诉求", "正文“臭”")
    assert infer_type_evidence(title, "啊" * 200 + "臭") == ("诉求", "无规则命中，默认诉求")
    assert infer_type_evidence("举报无证经营", "建议") == ("举报", "标题“举报”")


def test_petition_type_prefers_the_source_label_and_marks_a_guess():
    assert petition_type("民生", {"民生": "咨询"}, "路灯坏了") == ("咨询", {})
    assert petition_type("", None, "关于小区的事情", "可以办理吗") == ("咨询", {"type": "正文“可以…理吗”"})
    assert petition_type("", None, "举报无证经营") == ("举报", {"type": "标题“举报”"})


def test_places_default_to_eight():
    text = "".join(f"A{i}区" for i in range(1, 11))
    assert places(text) == [f"A{i}区" for i in range(1, 9)]
    assert places(text, limit=3) == ["A1区", "A2区", "A3区"]


# -- numbers and whitespace

def test_to_int_reads_counts_with_thousands_separators():
    assert to_int("1,234") == 1234 and to_int(" 56 ") == 56 and to_int(7.0) == 7
    assert to_int(None) is None and to_int("") is None and to_int("  ") is None


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", float("nan")])
def test_to_int_refuses_what_is_not_a_finite_number_in_chinese(value):
    with pytest.raises(ValueError, match="不是有限的数"):
        to_int(value)


def test_clean_text_folds_spaces_and_keeps_paragraphs():
    assert clean_text("  路灯\u3000\u3000坏了 \t三个月 \n\n\n\n 请尽快\xa0处理  ") == "路灯 坏了 三个月\n\n请尽快 处理"
    assert clean_text("第一行\n第二行") == "第一行\n第二行"
    assert clean_text(None) == ""
