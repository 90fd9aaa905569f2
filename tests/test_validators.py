"""Normalisers for Thai national IDs, phone numbers, e-mail addresses and numbers."""

from __future__ import annotations

import pytest

from intake.validators import (
    InvalidValue,
    national_id_check_digit,
    normalize_email,
    normalize_national_id,
    normalize_number,
    normalize_thai_phone,
)


def reference_check_digit(first_twelve: str) -> int:
    """The published Thai ID checksum, written out independently of the module."""
    s = sum(int(first_twelve[i]) * (13 - i) for i in range(12))
    return (11 - s % 11) % 10


VALID_IDS = ["1101700230708", "3100600123450", "1234567890121", "5100100010008"]


def test_example_ids_satisfy_the_reference_checksum() -> None:
    # Given the example IDs used below, then each really is valid by the published formula
    assert [reference_check_digit(i[:12]) for i in VALID_IDS] == [int(i[12]) for i in VALID_IDS]


@pytest.mark.parametrize("national_id", VALID_IDS)
def test_check_digit_matches_the_reference_formula(national_id: str) -> None:
    # Given the first 12 digits of a valid ID, when the check digit is computed, then it matches
    assert national_id_check_digit(national_id[:12]) == int(national_id[12])


def test_check_digit_wraps_eleven_and_ten_to_a_single_digit() -> None:
    # Given bases whose sum mod 11 is 0 and 1 (raw check 11 and 10)
    # When the check digit is computed, then it is the last digit of that value (1 and 0)
    assert national_id_check_digit("000000000000") == 1
    assert national_id_check_digit("010000000000") == 0


def test_check_digit_needs_twelve_digits() -> None:
    # Given too few digits, when the check digit is computed, then it is refused
    with pytest.raises(ValueError, match="12"):
        national_id_check_digit("12345")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("1101700230708", id="plain"),
        pytest.param("1-1017-00230-70-8", id="dashes"),
        pytest.param("1 1017 00230 70 8", id="spaces"),
        pytest.param("1.1017.00230.70.8", id="dots"),
        pytest.param("  1101700230708\n", id="surrounding-whitespace"),
        pytest.param("๑-๑๐๑๗-๐๐๒๓๐-๗๐-๘", id="thai-digits"),
        pytest.param("1–1017–00230–70–8", id="en-dashes"),
    ],
)
def test_normalize_national_id_accepts_formatted_input(text: str) -> None:
    # Given a valid ID typed with separators or Thai digits
    # When it is normalised
    # Then the 13 bare ASCII digits come back
    assert normalize_national_id(text) == "1101700230708"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("110170023070", id="12-digits"),
        pytest.param("11017002307080", id="14-digits"),
        pytest.param("1101700230708x", id="trailing-letter"),
        pytest.param("110170023070a", id="letter-for-check-digit"),
        pytest.param("-1101700230708", id="leading-dash"),
        pytest.param("1101700230708-", id="trailing-dash"),
        pytest.param("1/1017/00230/70/8", id="slashes"),
        pytest.param("١١٠١٧٠٠٢٣٠٧٠٨", id="arabic-indic-digits"),
    ],
)
def test_normalize_national_id_length_code(text: str) -> None:
    # Given input that is not 13 digits with separators between them
    # When it is normalised
    # Then it is rejected with code "length"
    with pytest.raises(InvalidValue) as caught:
        normalize_national_id(text)
    assert caught.value.code == "length"


@pytest.mark.parametrize("wrong_digit", [d for d in "0123456789" if d != "8"])
def test_normalize_national_id_checksum_code(wrong_digit: str) -> None:
    # Given a valid ID whose last digit has been mistyped
    # When it is normalised
    # Then it is rejected with code "checksum"
    with pytest.raises(InvalidValue) as caught:
        normalize_national_id("110170023070" + wrong_digit)
    assert caught.value.code == "checksum"


def test_normalize_national_id_catches_swapped_digits() -> None:
    # Given a valid ID with two adjacent different digits swapped, then the checksum notices
    with pytest.raises(InvalidValue) as caught:
        normalize_national_id("1011700230708")
    assert caught.value.code == "checksum"


def test_invalid_value_is_a_value_error_with_code() -> None:
    # Given an InvalidValue, then it is a ValueError that carries its code and message
    error = InvalidValue("format", "bad thing")
    assert isinstance(error, ValueError)
    assert (error.code, str(error)) == ("format", "bad thing")


# --- phone numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("0812345678", "0812345678", id="mobile-plain"),
        pytest.param("081-234-5678", "0812345678", id="mobile-dashes"),
        pytest.param("081.234.5678", "0812345678", id="mobile-dots"),
        pytest.param("+66 81 234 5678", "0812345678", id="mobile-plus-66"),
        pytest.param("+66812345678", "0812345678", id="mobile-plus-66-compact"),
        pytest.param("0066 81 234 5678", "0812345678", id="mobile-0066"),
        pytest.param("+66 (0)81 234 5678", "0812345678", id="plus-66-with-trunk-zero"),
        pytest.param("๐๘๑ ๒๓๔ ๕๖๗๘", "0812345678", id="mobile-thai-digits"),
        pytest.param("0612345678", "0612345678", id="mobile-06"),
        pytest.param("0912345678", "0912345678", id="mobile-09"),
        pytest.param("02-123-4567", "021234567", id="bangkok-landline"),
        pytest.param("(02) 123 4567", "021234567", id="landline-parentheses"),
        pytest.param("+66 2 123 4567", "021234567", id="landline-plus-66"),
        pytest.param("053-123-456", "053123456", id="chiang-mai-landline"),
        pytest.param("076 123 456", "076123456", id="phuket-landline"),
        pytest.param("  034123456 ", "034123456", id="surrounding-spaces"),
    ],
)
def test_normalize_thai_phone_accepts_common_forms(text: str, expected: str) -> None:
    # Given a Thai mobile or landline number typed in a common way
    # When it is normalised
    # Then the national form with a leading 0 and no separators comes back
    assert normalize_thai_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("โทร 0812345678", id="leading-word"),
        pytest.param("02-123-4567 ต่อ 123", id="thai-extension"),
        pytest.param("02-123-4567 ext. 123", id="english-extension"),
        pytest.param("081+2345678", id="plus-in-middle"),
        pytest.param("081/234/5678", id="slashes"),
        pytest.param("(02 123 4567", id="unbalanced-parenthesis"),
        pytest.param("0" * 50, id="very-long"),
    ],
)
def test_normalize_thai_phone_format_code(text: str) -> None:
    # Given text that is not shaped like a phone number
    # When it is normalised
    # Then it is rejected with code "format"
    with pytest.raises(InvalidValue) as caught:
        normalize_thai_phone(text)
    assert caught.value.code == "format"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("66812345678", id="bare-66-without-plus"),
        pytest.param("+1 212 555 0123", id="foreign-number"),
        pytest.param("0012125550123", id="foreign-via-00"),
        pytest.param("081234567", id="mobile-9-digits"),
        pytest.param("08123456789", id="mobile-11-digits"),
        pytest.param("0212345678", id="landline-10-digits"),
        pytest.param("02123456", id="landline-8-digits"),
        pytest.param("012345678", id="prefix-01"),
        pytest.param("0112345678", id="mobile-length-prefix-01"),
        pytest.param("812345678", id="missing-leading-zero"),
        pytest.param("1191", id="short-code"),
    ],
)
def test_normalize_thai_phone_number_code(text: str) -> None:
    # Given digits with the wrong length or prefix for a Thai number
    # When it is normalised
    # Then it is rejected with code "number"
    with pytest.raises(InvalidValue) as caught:
        normalize_thai_phone(text)
    assert caught.value.code == "number"


# --- e-mail -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("somchai@example.com", "somchai@example.com", id="plain"),
        pytest.param(
            "  Somchai.K@Example.CO.TH ", "Somchai.K@example.co.th", id="domain-only-lower"
        ),
        pytest.param("a+tag@sub.example.org", "a+tag@sub.example.org", id="plus-tag"),
        pytest.param("x@my-domain.go.th", "x@my-domain.go.th", id="hyphen-in-label"),
        pytest.param("ผู้ใช้@ตัวอย่าง.ไทย", "ผู้ใช้@ตัวอย่าง.ไทย", id="thai-idn"),
        pytest.param("user@EXAMPLE.ไทย", "user@example.ไทย", id="mixed-idn"),
        pytest.param("a@b.co", "a@b.co", id="shortest"),
    ],
)
def test_normalize_email_accepts_addresses(text: str, expected: str) -> None:
    # Given a plausible address, when normalised, then it is trimmed with a lower-case domain
    assert normalize_email(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("somchai.example.com", id="no-at"),
        pytest.param("a@b@example.com", id="two-ats"),
        pytest.param("@example.com", id="empty-local"),
        pytest.param("som chai@example.com", id="space-in-local"),
        pytest.param("Somchai <s@example.com>", id="display-name"),
        pytest.param("a@", id="empty-domain"),
        pytest.param("a@localhost", id="domain-without-dot"),
        pytest.param("a@example..com", id="empty-label"),
        pytest.param("a@example.com.", id="trailing-dot"),
        pytest.param("a@-example.com", id="label-starts-with-hyphen"),
        pytest.param("a@example-.com", id="label-ends-with-hyphen"),
        pytest.param("a@exa_mple.com", id="underscore-in-domain"),
        pytest.param("a@exa mple.com", id="space-in-domain"),
        pytest.param("a@192.168.1.1", id="numeric-tld"),
        pytest.param("a@" + "b" * 64 + ".com", id="label-over-63"),
    ],
)
def test_normalize_email_format_code(text: str) -> None:
    # Given something that is not an address, when normalised, then code is "format"
    with pytest.raises(InvalidValue) as caught:
        normalize_email(text)
    assert caught.value.code == "format"


LONG_DOMAIN_190 = "a" * 63 + "." + "b" * 63 + "." + "c" * 62


def test_normalize_email_accepts_the_254_character_maximum() -> None:
    # Given an address of exactly 254 characters with a 64-character local part
    address = "l" * 64 + "@" + LONG_DOMAIN_190[:-1]
    assert len(address) == 254
    # When normalised, then it is accepted unchanged
    assert normalize_email(address) == address


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("l" * 64 + "@" + LONG_DOMAIN_190, id="255-characters"),
        pytest.param("l" * 65 + "@example.com", id="local-part-65"),
    ],
)
def test_normalize_email_length_code(text: str) -> None:
    # Given an address or local part over its limit, when normalised, then code is "length"
    with pytest.raises(InvalidValue) as caught:
        normalize_email(text)
    assert caught.value.code == "length"


# --- numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("0", 0, id="zero"),
        pytest.param("42", 42, id="plain"),
        pytest.param(" 42 ", 42, id="surrounding-spaces"),
        pytest.param("007", 7, id="leading-zeros"),
        pytest.param("1,234", 1234, id="thousands"),
        pytest.param("1,234,567", 1234567, id="millions"),
        pytest.param("123,456", 123456, id="three-digit-lead-group"),
        pytest.param("๑,๒๓๔", 1234, id="thai-digits"),
        pytest.param("１２", 12, id="full-width-digits"),
    ],
)
def test_normalize_number_accepts_digits_and_grouping(text: str, expected: int) -> None:
    # Given a whole number as people type it, when normalised, then its value comes back
    assert normalize_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("abc", id="letters"),
        pytest.param("1,23", id="short-group"),
        pytest.param("12,34", id="bad-grouping"),
        pytest.param("1234,567", id="four-digit-lead-group"),
        pytest.param(",123", id="leading-comma"),
        pytest.param("1,234,", id="trailing-comma"),
        pytest.param("1.5", id="decimal"),
        pytest.param("-3", id="negative"),
        pytest.param("1 234", id="space-grouping"),
        pytest.param("10 บาท", id="unit-suffix"),
        pytest.param("9" * 40, id="too-long"),
    ],
)
def test_normalize_number_format_code(text: str) -> None:
    # Given text that is not a plain whole number, when normalised, then code is "format"
    with pytest.raises(InvalidValue) as caught:
        normalize_number(text)
    assert caught.value.code == "format"
