"""Masking checked against published references, not against the code's own checksum functions (issue 20).

The 身份证 numbers are the examples of the national standard GB 11643-1999 (公民身份号码), whose
check characters were worked by hand below with the ISO 7064 MOD 11-2 weights; the Luhn numbers are
the textbook example 79927398713 and the card-industry test number 4111 1111 1111 1111.
Not yet run through mutmut (bench/RESULTS-mutation.md, "Not run").
"""
from __future__ import annotations

import pytest

from wenzheng_bridge.trust.masking import id_checksum_ok, is_id_card, luhn_ok, mask

# 11010519491231002X: weighted sum 167, 167 mod 11 = 2 -> "X";
# 440524188001010014: weighted sum 195, 195 mod 11 = 8 -> "4".
GB_EXAMPLE = "11010519491231002X"
GB_EXAMPLE_1880 = "440524188001010014"


@pytest.mark.parametrize("number, ok", [
    (GB_EXAMPLE, True), (GB_EXAMPLE.lower(), True), (GB_EXAMPLE_1880, True),
    ("110105194912310021", False), ("110105194912310020", False), ("440524188001010015", False),
])
def test_check_character_of_the_standards_examples(number, ok):
    assert id_checksum_ok(number) is ok


@pytest.mark.parametrize("number, ok", [
    (GB_EXAMPLE, True),
    ("110105491231002", True),        # the same person's 15-digit number (1949-12-31, no check character)
    (GB_EXAMPLE_1880, False),         # a valid check character, but born 1880: before 1900, not a living resident's
    ("110105194902310025", False),    # 31 February (its check character "5" worked by hand: sum 160, 160 mod 11 = 6)
    ("110105194912310021", False),    # wrong check character
])
def test_is_id_card_by_the_standards_rules(number, ok):
    assert is_id_card(number) is ok


@pytest.mark.parametrize("number, ok", [
    ("79927398713", True), ("79927398710", False), ("4111111111111111", True), ("4111111111111112", False),
    ("0", True), ("18", True), ("19", False),
])
def test_luhn_on_reference_numbers(number, ok):
    assert luhn_ok(number) is ok


def test_the_standards_example_in_a_petition_is_masked_keeping_three_and_four():
    assert mask(f"身份证号{GB_EXAMPLE}，请核实") == "身份证号110***********002X，请核实"
    # a wrong check character: not a 身份证, and not a card number either (Luhn sum 53, worked by hand)
    assert mask("身份证号110105194912310021，请核实") == "身份证号110105194912310021，请核实"
