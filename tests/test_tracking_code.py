"""Tracking codes: format, Damm check digit, normalisation of what people type."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.public.forms import CODE_INPUT_MAX
from intake.tracking import (
    CODE_LENGTH,
    GROUP,
    GROUPS_PER_LINE,
    RANDOM_DIGITS,
    CodeFormatError,
    damm_digit,
    display_lines,
    group,
    new_code,
    normalize,
)

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def _with_check(body: str) -> str:
    return body + str(damm_digit(body))


# Fixed codes: all zeros, ascending runs, and one with every digit next to a different one.
ZEROS = _with_check("0" * RANDOM_DIGITS)
RUNS = _with_check("123456789012345678901234567")
ALTERNATING = _with_check("919191919191919191919191919")
FIXED_CODES = [ZEROS, RUNS, ALTERNATING]


def _is_valid_damm(code: str) -> bool:
    """Independent check: the Damm interim digit of the whole code is 0."""
    return damm_digit(code) == 0


def _errors(typed: str) -> str:
    with pytest.raises(CodeFormatError) as raised:
        normalize(typed)
    return raised.value.reason


# --- the Damm digit itself --------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "check"),
    [
        pytest.param("572", 4, id="wikipedia-572"),
        pytest.param("", 0, id="empty"),
        pytest.param("0", 0, id="zero"),
        pytest.param("1", 3, id="one"),
    ],
)
def test_damm_digit_matches_published_values(body: str, check: int) -> None:
    # Given a number with a known Damm check digit (572 -> 5724 is the textbook example)
    # When its check digit is computed
    # Then it is the published one, and the number with its digit checks to 0
    assert damm_digit(body) == check
    assert damm_digit(body + str(check)) == 0


# --- new codes --------------------------------------------------------------------------


def test_new_code_is_28_ascii_digits_with_a_valid_check_digit() -> None:
    # When a code is made
    code = new_code()
    # Then it is 27 random digits plus a Damm digit, already normalised
    assert CODE_LENGTH == 28
    assert len(code) == 28
    assert code.isascii()
    assert code.isdigit()
    assert code[-1] == str(damm_digit(code[:-1]))
    assert _is_valid_damm(code)
    assert normalize(code) == code


def test_a_thousand_new_codes_are_distinct_and_valid() -> None:
    # When 1,000 codes are made
    codes = [new_code() for _ in range(1000)]
    # Then no two are equal and all pass normalisation
    assert len(set(codes)) == 1000
    assert all(normalize(code) == code for code in codes)
    # And every digit value appears in every position at least sometimes (not a constant)
    assert all(len({code[i] for code in codes}) == 10 for i in range(RANDOM_DIGITS))


def test_random_part_carries_at_least_80_bits() -> None:
    # Given 27 uniformly random decimal digits
    bits = RANDOM_DIGITS * math.log2(10)
    # Then that is at least 80 bits (about 89.7, as the module says)
    assert RANDOM_DIGITS == 27
    assert bits >= 80
    assert round(bits, 1) == 89.7


# --- display ----------------------------------------------------------------------------


def test_group_shows_seven_groups_of_four() -> None:
    # When a code is grouped for display
    shown = group(RUNS)
    # Then it is seven groups of four digits separated by single spaces
    parts = shown.split(" ")
    assert GROUP == 4
    assert len(parts) == 7
    assert all(len(part) == 4 and part.isdigit() for part in parts)
    assert shown.replace(" ", "") == RUNS
    assert shown[:9] == "1234 5678"
    # And grouping survives normalisation
    assert normalize(shown) == RUNS


def test_display_lines_are_four_groups_then_three() -> None:
    # When a code is cut into the lines the receipt and the slip show
    lines = display_lines(RUNS)
    # Then the first line has four groups and the second the other three
    assert GROUPS_PER_LINE == 4
    assert lines == ["1234 5678 9012 3456", "7890 1234 5678"]
    assert " ".join(lines) == group(RUNS)
    # And each way the lines may be copied (one line, two lines, a file) normalises back
    for copied in (" ".join(lines), "\n".join(lines), "\r\n".join(lines) + "\r\n"):
        assert normalize(copied) == RUNS


def test_every_displayed_form_fits_the_tracking_field() -> None:
    # The slip's indented two lines are the longest form a person may paste
    slip_form = "".join(f"    {line}\r\n" for line in display_lines(RUNS))
    assert len(slip_form) <= CODE_INPUT_MAX


# Codes drawn from the real generator's alphabet: 27 random digits and their Damm digit.
codes = st.text(alphabet="0123456789", min_size=RANDOM_DIGITS, max_size=RANDOM_DIGITS).map(
    lambda body: body + str(damm_digit(body))
)
separators = st.text(alphabet=" -–—_.\n\r\t\u00a0", min_size=1, max_size=3)


@given(
    code=codes,
    cuts=st.lists(st.integers(min_value=1, max_value=CODE_LENGTH - 1), unique=True, max_size=12),
    data=st.data(),
    thai=st.lists(st.booleans(), min_size=CODE_LENGTH, max_size=CODE_LENGTH),
)
def test_any_grouping_of_a_code_normalises_back(
    code: str, cuts: list[int], data: st.DataObject, thai: list[bool]
) -> None:
    # Given a code cut into chunks of any length, joined by any run of separators, with
    # any of its digits written in Thai, and whitespace around it
    digits = "".join(
        d.translate(THAI_DIGITS) if as_thai else d for d, as_thai in zip(code, thai, strict=True)
    )
    bounds = [0, *sorted(cuts), CODE_LENGTH]
    chunks = [digits[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    typed = chunks[0]
    for chunk in chunks[1:]:
        typed += data.draw(separators) + chunk
    typed = (
        data.draw(st.sampled_from(["", " ", "\n"]))
        + typed
        + data.draw(st.sampled_from(["", " ", "\r\n"]))
    )
    # When it is normalised
    # Then the code comes back
    assert normalize(typed) == code


@given(code=codes)
def test_every_display_of_a_code_normalises_back(code: str) -> None:
    # Every form the receipt and the slip show the code in is accepted back as it is
    for shown in (group(code), "\n".join(display_lines(code)), "\r\n".join(display_lines(code))):
        assert normalize(shown) == code


# --- normalising what people type -------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param(RUNS, id="plain"),
        pytest.param(group(RUNS), id="spaces"),
        pytest.param(group(RUNS).replace(" ", "-"), id="dashes"),
        pytest.param(f"  {group(RUNS)}  \n", id="surrounding-whitespace"),
        pytest.param(group(RUNS).replace(" ", " – "), id="en-dash-with-spaces"),
        pytest.param(group(RUNS).replace(" ", "\u00a0"), id="no-break-space"),
        pytest.param(group(RUNS).replace(" ", "."), id="dots"),
        pytest.param(RUNS.translate(THAI_DIGITS), id="thai-digits"),
        pytest.param(group(RUNS.translate(THAI_DIGITS)), id="thai-digits-grouped"),
        pytest.param(RUNS.translate(FULL_WIDTH_DIGITS), id="full-width-digits"),
        pytest.param(
            "-".join(
                part.translate(THAI_DIGITS) if i % 2 else part
                for i, part in enumerate(group(RUNS).split())
            ),
            id="mixed-thai-and-ascii-with-dashes",
        ),
    ],
)
def test_normalize_accepts_what_people_type(typed: str) -> None:
    # Given the code typed with separators or in Thai digits
    # When it is normalised
    # Then the 28 ASCII digits come back
    assert normalize(typed) == RUNS


def test_thai_digit_form_uses_only_thai_digits() -> None:
    # Given the Thai-digit form used above
    thai = RUNS.translate(THAI_DIGITS)
    # Then it really contains no ASCII digits (so the test above proves something)
    assert not any(char.isascii() for char in thai)
    assert set(thai) <= set("๐๑๒๓๔๕๖๗๘๙")


@pytest.mark.parametrize("code", FIXED_CODES + [new_code()], ids=lambda c: c[:8])
def test_every_single_digit_substitution_is_caught(code: str) -> None:
    # Given a valid code
    assert normalize(code) == code
    for position in range(CODE_LENGTH):
        for digit in "0123456789":
            if digit == code[position]:
                continue
            # When one digit is mistyped, anywhere including the check digit
            typo = code[:position] + digit + code[position + 1 :]
            # Then the code is rejected as failing its check
            assert _errors(typo) == "check", (position, digit)


@pytest.mark.parametrize(
    ("code", "at_least"),
    [
        pytest.param(RUNS, 26, id="runs"),
        pytest.param(ALTERNATING, 26, id="alternating"),
        pytest.param(new_code(), 1, id="random"),
    ],
)
def test_every_adjacent_transposition_is_caught(code: str, at_least: int) -> None:
    # Given a valid code
    assert normalize(code) == code
    swaps = 0
    for position in range(CODE_LENGTH - 1):
        left, right = code[position], code[position + 1]
        if left == right:
            continue
        # When two different neighbouring digits are swapped, including the check digit
        swapped = code[:position] + right + left + code[position + 2 :]
        # Then the code is rejected as failing its check
        assert _errors(swapped) == "check", position
        swaps += 1
    # And the loop really swapped something
    assert swaps >= at_least


def _swap(code: str, position: int) -> str:
    return code[:position] + code[position + 1] + code[position] + code[position + 2 :]


def test_every_digit_pair_swapped_at_every_body_position_is_caught() -> None:
    # Given, for each body position and each ordered pair of different digits, a valid code
    # with that pair there and random digits elsewhere
    rng = random.Random(20260105)
    checked = 0
    for position in range(RANDOM_DIGITS - 1):
        for a in "0123456789":
            for b in "0123456789":
                if a == b:
                    continue
                body = [str(rng.randrange(10)) for _ in range(RANDOM_DIGITS)]
                body[position : position + 2] = [a, b]
                code = _with_check("".join(body))
                # When the pair is swapped
                # Then the check fails
                assert _errors(_swap(code, position)) == "check", (code, position)
                checked += 1
    assert checked == 26 * 90


def test_every_swap_of_last_body_digit_with_check_digit_is_caught() -> None:
    # Given random codes until every ordered pair (last body digit, check digit) with
    # different digits has been seen
    rng = random.Random(20260120)
    seen: set[tuple[str, str]] = set()
    for _ in range(20_000):
        code = _with_check("".join(str(rng.randrange(10)) for _ in range(RANDOM_DIGITS)))
        pair = (code[-2], code[-1])
        if pair[0] == pair[1] or pair in seen:
            continue
        # When those two are swapped
        # Then the check fails
        assert _errors(_swap(code, CODE_LENGTH - 2)) == "check", code
        seen.add(pair)
    # And all 90 pairs were reached
    assert len(seen) == 90


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param(RUNS[:-1], id="27-digits"),
        pytest.param(RUNS + "0", id="29-digits"),
        pytest.param(group(RUNS)[:-5], id="six-groups"),
        pytest.param("1234", id="one-group"),
        pytest.param(RUNS.translate(THAI_DIGITS)[:-1], id="27-thai-digits"),
    ],
)
def test_wrong_length_is_reported_as_length(typed: str) -> None:
    # When a code of the wrong length is typed
    # Then the reason is "length"
    assert _errors(typed) == "length"


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("O" + RUNS[1:], id="letter-O-for-zero"),
        pytest.param(RUNS[:-1] + "l", id="letter-l-for-one"),
        pytest.param("abcd efgh", id="letters-only"),
        pytest.param(RUNS[:14] + "/" + RUNS[14:], id="slash"),
        pytest.param(RUNS[:-1] + "²", id="superscript-digit"),
        pytest.param(RUNS[:-1] + "٣", id="arabic-indic-digit"),
        pytest.param("รหัส " + group(RUNS), id="thai-word-before"),
    ],
)
def test_non_digits_are_reported_as_characters(typed: str) -> None:
    # When something other than digits and separators is typed
    # Then the reason is "characters"
    assert _errors(typed) == "characters"


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("", id="empty"),
        pytest.param("   ", id="spaces"),
        pytest.param(" - – . _ ", id="separators-only"),
        pytest.param(None, id="none"),
    ],
)
def test_nothing_typed_is_reported_as_empty(typed: str | None) -> None:
    # When nothing but separators is typed
    # Then the reason is "empty"
    assert _errors(typed) == "empty"  # type: ignore[arg-type]


def test_code_format_error_is_a_value_error_carrying_its_reason() -> None:
    # When a bad code is normalised
    with pytest.raises(ValueError, match="^check$") as raised:
        normalize(RUNS[:-1] + str((int(RUNS[-1]) + 1) % 10))
    # Then the error is a CodeFormatError whose reason is also its message
    assert isinstance(raised.value, CodeFormatError)
    assert raised.value.reason == "check"
