"""Masking properties with expectations the masking code does not compute itself.

Valid numbers come from published references (the 身份证 example of GB 11643-1999,
card issuers' public test numbers) or from the plain check-digit rules written out
below, never from the module's own ``id_checksum_ok`` / ``luhn_ok``.
"""
from __future__ import annotations

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from references import gb11643_check, luhn_valid
from wenzheng_bridge.trust.masking import mask

# GB 11643-1999, 公民身份号码, the standard's own worked example (Beijing 朝阳区, born 1949-12-31).
GB11643_EXAMPLE = "11010519491231002X"
# Public test card numbers that pass the Luhn check (Visa, Mastercard, Discover, JCB; payment
# providers' test-card lists), and the classic UnionPay test number 6222 0000 0000 0000 00x is
# avoided: its check digit is not published consistently.
TEST_CARDS = ["4111111111111111", "5555555555554444", "6011111111111117", "3566002020360505",
              "4012888888881881"]


def test_the_reference_rules_agree_with_the_published_examples():
    assert gb11643_check(GB11643_EXAMPLE[:17]) == "X"
    assert all(luhn_valid(card) for card in TEST_CARDS)
    assert not luhn_valid("4111111111111112")


def test_the_national_standard_example_is_masked_with_its_ends_kept():
    masked = mask(f"我的身份证号码是{GB11643_EXAMPLE}，请核实。")
    assert masked == "我的身份证号码是110***********002X，请核实。"


def test_public_test_card_numbers_are_masked_and_a_near_miss_is_not():
    for card in TEST_CARDS:
        grouped = " ".join(card[i:i + 4] for i in range(0, len(card), 4))
        for shown in (card, grouped):
            masked = mask(f"退款请打到卡号{shown}。")
            assert card[4:-4] not in masked.replace(" ", ""), shown
            assert masked.startswith(f"退款请打到卡号{card[:4]}") and masked.endswith(f"{card[-4:]}。")
    assert mask("订单号4111111111111112。") == "订单号4111111111111112。"  # fails Luhn: an order number


# -- properties --------------------------------------------------------------------

# Real region codes (北京朝阳, 长沙芙蓉, 深圳南山, 成都武侯, 武汉江汉, 乌鲁木齐天山).
REGIONS = ["110105", "430102", "440305", "510107", "420103", "650102"]


@st.composite
def id_numbers(draw) -> str:
    born = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2020, 12, 31)))
    first17 = f"{draw(st.sampled_from(REGIONS))}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return first17 + gb11643_check(first17)


mobiles = st.builds(lambda second, rest: f"1{second}{rest:09d}", st.sampled_from("3456789"),
                    st.integers(0, 10**9 - 1))
# Words from real petitions around the numbers; no digit, so a number never runs into another.
_FILLER_CHARS = st.sampled_from("我家住小区电话身份证号码请联系，。：（）() 反映路灯坏了噪音扰民\n市区县路")
FILLER = st.text(_FILLER_CHARS, max_size=20)
BETWEEN = st.text(_FILLER_CHARS, min_size=1, max_size=20)


def valid_ids_in(text: str) -> list[str]:
    """Every 18-character run that is a valid 身份证 by the plain rule (a second scanner)."""
    found = []
    for match in re.finditer(r"(?<!\d)\d{17}[\dXx](?!\d)", text):
        number = match.group(0)
        if gb11643_check(number[:17]) == number[17].upper():
            found.append(number)
    return found


def mobiles_in(text: str) -> list[str]:
    return re.findall(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(BETWEEN, st.one_of(id_numbers(), mobiles)), min_size=1, max_size=4), FILLER)
def test_a_masked_text_holds_no_valid_id_card_or_mobile(pieces, tail):
    text = "".join(before + number for before, number in pieces) + tail
    assert valid_ids_in(text) or mobiles_in(text)  # the generator did plant something
    masked = mask(text)
    assert valid_ids_in(masked) == [] and mobiles_in(masked) == []
    for _, number in pieces:
        assert number not in masked
    assert mask(masked) == masked


# Text with nothing personal: words of real petitions and small numbers (at most 2 digits in a
# row, no 栋/单元/室/号 that would make an address, no ASCII letters that would make a plate).
SAFE_WORDS = st.sampled_from(["路灯", "坏了", "三个月", "噪音", "扰民", "希望", "尽快", "解决", "年", "月", "日",
                              "，", "。", "！", "？", "（", "）", "：", "、", " ", "\n", "A市", "天"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(SAFE_WORDS, st.one_of(st.just(""), st.integers(0, 99).map(str))), max_size=40))
def test_a_text_without_personal_data_is_unchanged(pieces):
    text = "".join(word + number for word, number in pieces)
    assert mask(text) == text


@settings(max_examples=300, deadline=None)
@given(FILLER, st.sampled_from(TEST_CARDS), FILLER)
def test_a_public_test_card_is_masked_anywhere_in_a_text(before, card, after):
    masked = mask(f"{before}卡号{card}{after}")
    assert card not in masked and card[4:-4] not in masked
