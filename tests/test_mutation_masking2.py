"""Survivors of the full mutation run of trust/masking.py (issue 20, bench/RESULTS-mutation.md).

Each test names the rule of the module docstring it checks. Expected texts are written by hand from
those rules and the masking formats (138****5678: keep 3 and 4; 身份证 keep 3 and 4; bank card keep 4
and 4; landline local part keeps its last 4; QQ keeps 2 and 2; WeChat id keeps 1 and 2). 身份证
check characters are worked by hand with the GB 11643-1999 weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
and the table 1 0 X 9 8 7 6 5 4 3 2; Luhn sums by hand (from the right, every second digit doubled,
less 9 above 9).
"""
from __future__ import annotations

from datetime import date

import pytest

from wenzheng_bridge.trust import masking
from wenzheng_bridge.trust.masking import Finding, Options, find, is_id_card, mask, public_numbers

REPLY = Options(reply=True)


def public(*numbers: str) -> Options:
    return Options(public_numbers=public_numbers(numbers))


# -- mobiles ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("电话+8613907452281，谢谢", "电话+86139****2281，谢谢"),    # +86 written against the number
    ("电话008613907452281，谢谢", "电话0086139****2281，谢谢"),
    ("编号5+8613907452281", "编号5+8613907452281"),           # a digit before: part of a longer number
    ("手机138 1234 56 78", "手机138 **** 56 78"),              # four groups, groups of 2 allowed
    ("手机138 1234 5\n6\n78", "手机138 1234 5\n6\n78"),        # five groups: not a phone
    ("手机138 7745219\n1", "手机138 ****219\n1"),              # a 1-digit group after a line break
    ("手机1381234567 8", "手机1381234567 8"),                  # a 1-digit group after a space: not
    ("受理号2019031234，手机138 123 456 78", "受理号2019031234，手机138 123 456 78"),  # 3-3-3-2: no 3 next to 4
    ("编号23456789012，手机13812345678", "编号23456789012，手机138****5678"),  # a non-mobile run first
    ("+13812345678，另电话13912345678", "+13812345678，另电话139****5678"),  # "+" before: another country
    ("票号13812345678，手机13912345678", "票号13812345678，手机139****5678"),  # named at the very start
])
def test_mobile_rules(text, expected):
    assert mask(text) == expected


def test_a_public_mobile_written_against_plus_86_stays():
    assert mask("热线+8613907452281", options=public("13907452281")) == "热线+8613907452281"


@pytest.mark.parametrize("text, start", [
    ("电话+86 138 1234 5678", 2),
    ("+86 138 1234 5678", 0),
    ("编号5 +86 138 1234 5678", 4),  # a space, not a digit, right before the +86
])
def test_a_separated_country_code_belongs_to_the_finding(text, start):
    tail = "138 **** 5678"
    assert find(text) == [Finding("mobile", start, len(text), text[start:-13] + tail)]


# -- landlines ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, options, expected", [
    ("合同号0731-88886666", Options(), "合同号0731-88886666"),
    ("合同号0731-88886666，电话0731-88887777", Options(), "合同号0731-88886666，电话0731-****7777"),
    ("热线0731-88886666，另0731-88887777", public("0731-88886666"), "热线0731-88886666，另0731-****7777"),
    # without a separator, after a word such as 电话: the area code is 3 digits for 010 and 02x
    ("电话01062345678", Options(), "电话010****5678"),
    ("电话02188886666", Options(), "电话021****6666"),
    ("电话073188886666", Options(), "电话0731****6666"),
    ("电话073188886666", public("0731-88886666"), "电话073188886666"),
    ("电话073188886666，电话073188887777", public("0731-88886666"), "电话073188886666，电话0731****7777"),
])
def test_landline_rules(text, options, expected):
    assert mask(text, options=options) == expected


def test_a_reply_keeps_the_office_line_it_gives_even_without_a_separator():
    text = "如有疑问请拨打073188886666咨询"
    assert mask(text, options=REPLY) == text
    assert mask(text) == "如有疑问请拨打0731****6666咨询"


def test_the_contact_word_counts_within_16_characters_before_the_number():
    assert mask("电话0731-88886666", options=REPLY) == "电话0731-88886666"  # the word opens the text
    near = "电话" + "期有效全天二十四小时有人值守" + "0731-88886666"   # 电 is 16 characters before
    far = "电话" + "长期有效全天二十四小时有人值守" + "0731-88886666"  # 17: only 话 is in the window
    assert mask(near, options=REPLY) == near
    assert mask(far, options=REPLY) == far.replace("88886666", "****6666")


# -- 身份证 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("number, ok", [
    # born 1 January 1900, the first year allowed: sum 7+9+5+20+2+9+9+5+2 = 68, 68 mod 11 = 2 -> X
    ("11010519000101001X", True),
    # province 99 does not exist; the check character is right (sum 295, 295 mod 11 = 9 -> 3)
    ("990105194912310023", False),
    ("11010519491231A02X", False), ("1101051949123100XX", False),  # only the last may be a letter
    ("110105960229001", True),    # 15 digits: 29 February 1996, a leap year
    ("110105970229001", False),   # 1997 is not
    ("110105961130001", True),    # 30 November 1996
])
def test_is_id_card_edges(number, ok):
    assert is_id_card(number) is ok


def test_a_birth_year_up_to_this_year(monkeypatch):
    class Today(date):
        @classmethod
        def today(cls):
            return cls(2019, 6, 1)

    monkeypatch.setattr(masking, "date", Today)
    # sums worked by hand: 2019-01-01 -> 94, mod 11 = 6 -> "6"; 2020-01-01 -> 73, mod 11 = 7 -> "5"
    assert is_id_card("110105201901010016") is True
    assert is_id_card("110105202001010015") is False  # not born yet


def test_id_card_groupings():
    text = "身份证号110105 19491231 002X。"  # the X closes the last of three groups
    assert find(text) == [Finding("id_card", 4, 24, "110*** ******** 002X")]
    assert mask("号码11 01 05 19491231 00 2X") == "号码11 0* ** ******** 00 2X"  # six groups: still one
    assert mask("号码1 1 01 05 19491231 00 2X") == "号码1 1 01 05 19491231 00 2X"  # seven: not


# -- bank cards -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("卡号4111 1111 1111 1111 3，", "卡号4111 **** **** *111 3，"),     # 4-4-4-4 then 1 (Luhn sum 30)
    ("卡号4111 1111 1111 1111110，", "卡号4111 **** **** ***1110，"),   # 4-4-4 then 7 (Luhn sum 30)
    ("卡号4111 1111 11111111，", "卡号4111 1111 11111111，"),           # a tail of 8: not as banks print
    ("卡号41111 11111111111，", "卡号41111 11111111111，"),             # 5 then 11
    ("卡号411111 1111111111，", "卡号4111** ******1111，"),             # 6 then the rest
    ("卡号4111 11111 1111111，", "卡号4111 11111 1111111，"),           # 4, 5, 7
    ("编码A-4111111111111111", "编码A-4111111111111111"),               # a dash before: a code
    ("编码4111111111111111-2", "编码4111111111111111-2"),               # a dash after
])
def test_bank_card_groupings(text, expected):
    assert mask(text) == expected


# -- QQ, plates, names ---------------------------------------------------------------------------------------


def test_a_public_qq_number_stays():
    assert mask("QQ号12345678", options=public("12345678")) == "QQ号12345678"


@pytest.mark.parametrize("text, expected", [
    ("车牌湘A AB123", "车牌湘A ****3"),                  # three digits are enough
    ("湘AABCDE，湘B12345", "湘AABCDE，湘B****5"),       # no digits: a word, and the next plate is still found
])
def test_plates(text, expected):
    assert mask(text) == expected


def test_names_without_a_look_or_without_carrying():
    text = "我叫廖博。廖博在本局工作"
    assert mask(text, options=Options(find_names=False)) == text  # the caller found no name
    assert mask(text, options=Options(find_names=False, names=frozenset({"廖博"}))) == "我叫廖*。廖*在本局工作"
    assert mask(text, options=Options(carry_names=False)) == "我叫廖*。廖博在本局工作"  # only where the cue is
    assert mask(text) == "我叫廖*。廖*在本局工作"


# -- door-level addresses --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("3号楼2单元501，附图2", "3号楼*单元***，附图2"),                  # at the start of the text
    ("阳光小区1期3栋2单元301室", "阳光小区1期3栋*单元***室"),           # a digit two characters before
    ("李村3组15号，隔壁5栋2单元301室，对面5-2-302", "李村3组**号，隔壁5栋*单元***室，对面5-*-***"),
    ("1234栋2单元501", "1234栋2单元501"),                             # digits right before: not a building
    ("编号b5-2-301", "编号b5-2-301"),                                 # dashed form only after a Chinese character
    ("小区一5-2-301", "小区一5-*-***"), ("龥5-2-301", "龥5-*-***"),    # both ends of the range 一..龥
    ("住在301室", "住在***室"), ("住在706房", "住在***房"),
    ("编号12301室", "编号12301室"),                                   # a longer number ending in 室
])
def test_address_rules(text, expected):
    assert mask(text) == expected


# -- the prefilter and the kinds asked for --------------------------------------------------------------------


def test_an_email_does_not_hide_the_other_kinds():
    assert mask("邮箱abc@qq.com，车牌湘A12345") == "邮箱a***@qq.com，车牌湘A****5"


def test_only_the_kinds_asked_for():
    assert mask("微信号abc123def", kinds=("wechat",)) == "微信号a******ef"
    assert mask("QQ号12345678", kinds=("qq",)) == "QQ号12****78"
    assert mask("车牌湘A12345，手机13812345678", kinds=("mobile",)) == "车牌湘A12345，手机138****5678"


def test_findings_that_touch_are_both_kept():
    assert mask("邮箱a1@qq.com13812345678") == "邮箱a***@qq.com138****5678"
