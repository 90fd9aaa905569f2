"""Buddhist-era dates, Thai fiscal years and date parsing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.thaidate import (
    BANGKOK,
    ENGLISH_MONTHS,
    ENGLISH_MONTHS_ABBR,
    THAI_MONTHS,
    THAI_MONTHS_ABBR,
    DateParseError,
    be_year,
    fiscal_half,
    fiscal_months,
    fiscal_year,
    fiscal_year_bounds,
    format_date,
    format_datetime,
    format_month,
    local_date,
    parse_date,
    to_arabic_digits,
)

JAN_5_2026 = date(2026, 1, 5)


# --- digits and month names -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("๐๑๒๓๔๕๖๗๘๙", "0123456789", id="all-thai-digits"),
        pytest.param("０１２３４５６７８９", "0123456789", id="all-full-width-digits"),
        pytest.param("บ้านเลขที่ ๑๒/3 หมู่ ๔", "บ้านเลขที่ 12/3 หมู่ 4", id="mixed-text-kept"),
        pytest.param("abc-123", "abc-123", id="ascii-unchanged"),
        pytest.param("", "", id="empty"),
    ],
)
def test_to_arabic_digits_converts_only_digits(text: str, expected: str) -> None:
    # Given text with Thai, full-width or ASCII digits
    # When it is converted
    # Then only the digits become ASCII
    assert to_arabic_digits(text) == expected


def test_month_name_tables_line_up_january_to_december() -> None:
    # Given the four month-name tables
    tables = (THAI_MONTHS, THAI_MONTHS_ABBR, ENGLISH_MONTHS, ENGLISH_MONTHS_ABBR)
    # Then each has 12 entries, starting in January and ending in December
    assert [len(table) for table in tables] == [12, 12, 12, 12]
    assert (THAI_MONTHS[0], THAI_MONTHS[11]) == ("มกราคม", "ธันวาคม")
    assert THAI_MONTHS_ABBR == (
        "ม.ค.",
        "ก.พ.",
        "มี.ค.",
        "เม.ย.",
        "พ.ค.",
        "มิ.ย.",
        "ก.ค.",
        "ส.ค.",
        "ก.ย.",
        "ต.ค.",
        "พ.ย.",
        "ธ.ค.",
    )
    assert (ENGLISH_MONTHS[0], ENGLISH_MONTHS_ABBR[8]) == ("January", "Sep")


# --- Buddhist era and fiscal year -------------------------------------------------------


def test_be_year_adds_543() -> None:
    # Given a CE date, when its BE year is taken, then 543 is added
    assert be_year(JAN_5_2026) == 2569


@pytest.mark.parametrize(
    ("day", "expected_fy"),
    [
        pytest.param(date(2025, 9, 30), 2568, id="30-sep-2025-last-day-of-fy2568"),
        pytest.param(date(2025, 10, 1), 2569, id="1-oct-2025-first-day-of-fy2569"),
        pytest.param(date(2026, 1, 1), 2569, id="new-year-stays-in-fy2569"),
        pytest.param(date(2026, 9, 30), 2569, id="30-sep-2026-last-day-of-fy2569"),
        pytest.param(date(2026, 10, 1), 2570, id="1-oct-2026-first-day-of-fy2570"),
    ],
)
def test_fiscal_year_turns_over_on_1_october(day: date, expected_fy: int) -> None:
    # Given a day around the 30 Sep / 1 Oct boundary
    # When its fiscal year is computed
    # Then it is named by the BE year in which the fiscal year ends
    assert fiscal_year(day) == expected_fy


def test_fiscal_year_bounds_are_inclusive_october_to_september() -> None:
    # Given fiscal year 2569
    # When its bounds are computed
    first, last = fiscal_year_bounds(2569)
    # Then they are 1 Oct 2025 and 30 Sep 2026, and the neighbours belong to other years
    assert (first, last) == (date(2025, 10, 1), date(2026, 9, 30))
    assert fiscal_year(first - timedelta(days=1)) == 2568
    assert fiscal_year(last + timedelta(days=1)) == 2570


@pytest.mark.parametrize(
    ("day", "expected_half"),
    [
        pytest.param(date(2025, 9, 30), 2, id="30-sep-second-half"),
        pytest.param(date(2025, 10, 1), 1, id="1-oct-first-half"),
        pytest.param(date(2026, 3, 31), 1, id="31-mar-first-half"),
        pytest.param(date(2026, 4, 1), 2, id="1-apr-second-half"),
    ],
)
def test_fiscal_half_splits_at_1_april(day: date, expected_half: int) -> None:
    # Given a day at a half-year edge, when its half is computed, then Oct-Mar is 1
    assert fiscal_half(day) == expected_half


def test_fiscal_months_run_october_to_september() -> None:
    # Given fiscal year 2569
    # When its months are listed
    months = fiscal_months(2569)
    # Then there are 12 consecutive firsts of the month from Oct 2025 to Sep 2026
    assert months[0] == date(2025, 10, 1)
    assert months[3] == date(2026, 1, 1)
    assert months[-1] == date(2026, 9, 1)
    assert [(m.year, m.month) for m in months] == [(2025, m) for m in (10, 11, 12)] + [
        (2026, m) for m in range(1, 10)
    ]
    assert {m.day for m in months} == {1}


# --- time zone --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        pytest.param(datetime(2026, 1, 4, 16, 59, tzinfo=UTC), date(2026, 1, 4), id="utc-before"),
        pytest.param(datetime(2026, 1, 4, 17, 0, tzinfo=UTC), date(2026, 1, 5), id="utc-midnight"),
        pytest.param(
            datetime(2026, 1, 5, 0, 30, tzinfo=timezone(timedelta(hours=9))),
            date(2026, 1, 4),
            id="tokyo-0030-is-previous-day",
        ),
    ],
)
def test_local_date_is_the_bangkok_calendar_day(moment: datetime, expected: date) -> None:
    # Given an aware moment near Bangkok midnight (UTC+7)
    # When its local date is taken
    # Then it is the date on a Bangkok wall calendar
    assert local_date(moment) == expected


def test_local_date_rejects_naive_datetime() -> None:
    # Given a datetime without a time zone, when its local date is taken, then it is refused
    with pytest.raises(ValueError, match="naive"):
        local_date(datetime(2026, 1, 5, 12, 0))


# --- formatting -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "style", "expected"),
    [
        pytest.param("th", "long", "5 มกราคม 2569", id="th-long"),
        pytest.param("th", "short", "5 ม.ค. 2569", id="th-short"),
        pytest.param("en", "long", "5 January 2026", id="en-long"),
        pytest.param("en", "short", "5 Jan 2026", id="en-short"),
        pytest.param("en_US", "long", "5 January 2026", id="en-region-is-english"),
        pytest.param("fr", "long", "5 มกราคม 2569", id="other-locale-is-thai"),
    ],
)
def test_format_date(locale: str, style: str, expected: str) -> None:
    # Given 5 January 2026, when formatted, then Thai uses BE years and English uses CE
    assert format_date(JAN_5_2026, locale, style) == expected


def test_format_date_defaults_to_thai_long() -> None:
    # Given no locale or style, when formatted, then it is Thai long form
    assert format_date(date(2024, 2, 29)) == "29 กุมภาพันธ์ 2567"


def test_format_date_rejects_unknown_style() -> None:
    # Given an unknown style, when formatting, then it is refused rather than guessed
    with pytest.raises(ValueError, match="style"):
        format_date(JAN_5_2026, "th", "medium")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        pytest.param("th", "5 มกราคม 2569 เวลา 14:05 น.", id="th"),
        pytest.param("en", "5 January 2026, 14:05", id="en"),
    ],
)
def test_format_datetime_shows_bangkok_wall_time(locale: str, expected: str) -> None:
    # Given 07:05 UTC on 5 January 2026
    moment = datetime(2026, 1, 5, 7, 5, tzinfo=UTC)
    # When formatted, then it shows 14:05 Bangkok time
    assert format_datetime(moment, locale) == expected


def test_format_datetime_crosses_midnight_into_the_bangkok_day() -> None:
    # Given 17:30 UTC on New Year's Eve, when formatted, then it is already 1 January in Bangkok
    moment = datetime(2025, 12, 31, 17, 30, tzinfo=UTC)
    assert format_datetime(moment) == "1 มกราคม 2569 เวลา 00:30 น."


def test_format_datetime_keeps_bangkok_times_unchanged() -> None:
    # Given a moment already in Bangkok time, when formatted, then the clock is untouched
    moment = datetime(2026, 1, 5, 9, 0, tzinfo=BANGKOK)
    assert format_datetime(moment, "en") == "5 January 2026, 09:00"


def test_format_datetime_rejects_naive_datetime() -> None:
    # Given a naive datetime, when formatted, then it is refused instead of assumed local
    with pytest.raises(ValueError, match="naive"):
        format_datetime(datetime(2026, 1, 5, 14, 5))


@pytest.mark.parametrize(
    ("locale", "expected"),
    [pytest.param("th", "มกราคม 2569", id="th"), pytest.param("en", "January 2026", id="en")],
)
def test_format_month(locale: str, expected: str) -> None:
    # Given a day in January 2026, when its month is formatted, then the day is dropped
    assert format_month(JAN_5_2026, locale) == expected


# --- parsing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("5/1/2569", id="slash-be"),
        pytest.param("05-01-2026", id="dash-ce-zero-padded"),
        pytest.param("5.1.2569", id="dot-be"),
        pytest.param("2026-01-05", id="iso-year-first"),
        pytest.param("2569-01-05", id="year-first-be"),
        pytest.param("5 มกราคม 2569", id="thai-long"),
        pytest.param("5 ม.ค. 2569", id="thai-short"),
        pytest.param("5 มค 2569", id="thai-short-without-dots"),
        pytest.param("5มกราคม2569", id="thai-without-spaces"),
        pytest.param("5 January 2026", id="english-long"),
        pytest.param("5 Jan 2026", id="english-short"),
        pytest.param("5 JAN. 2026", id="english-case-and-dot"),
        pytest.param("๕/๑/๒๕๖๙", id="thai-digits"),
        pytest.param("๕ ม.ค. ๒๕๖๙", id="thai-digits-named-month"),
        pytest.param("  5 /  1 / 2569  ", id="extra-spaces"),
        pytest.param("วันที่ 5 มกราคม 2569", id="leading-wan-thi"),
        pytest.param("วันที่๕/๑/๒๕๖๙", id="leading-wan-thi-no-space"),
        pytest.param("5 มกราคม พ.ศ. 2569", id="be-era-marker"),
        pytest.param("5 January ค.ศ. 2026", id="ce-era-marker"),
    ],
)
def test_parse_date_accepts_what_thai_users_type(text: str) -> None:
    # Given 5 January 2026 typed in one of the common ways
    # When it is parsed
    # Then the same calendar date comes back
    assert parse_date(text) == JAN_5_2026


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("1/2/2569", date(2026, 2, 1), id="day-first-not-month-first"),
        pytest.param("1/1/2400", date(1857, 1, 1), id="2400-is-be"),
        pytest.param("1/1/2399", date(2399, 1, 1), id="2399-is-ce"),
        pytest.param("1/1/1900", date(1900, 1, 1), id="1900-is-ce"),
        pytest.param("29/2/2567", date(2024, 2, 29), id="leap-day-be-2567"),
        pytest.param("29/2/2024", date(2024, 2, 29), id="leap-day-ce-2024"),
        pytest.param("30 ก.ย. 2569", date(2026, 9, 30), id="fiscal-year-end"),
        pytest.param("1 ต.ค. 2568", date(2025, 10, 1), id="fiscal-year-start"),
        pytest.param("31 ธันวาคม 2568", date(2025, 12, 31), id="december"),
        pytest.param("5 Sept 2026", date(2026, 9, 5), id="sept-spelling"),
    ],
)
def test_parse_date_year_rule_and_edges(text: str, expected: date) -> None:
    # Given a date at an edge of the BE/CE year rule or the calendar
    # When it is parsed
    # Then 4-digit years >= 2400 are BE and 1900..2399 are CE
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("วันที่", id="prefix-only"),
        pytest.param("5/1/69", id="two-digit-year"),
        pytest.param("5/1/02569", id="five-digit-year"),
        pytest.param("1/1/1899", id="year-below-1900"),
        pytest.param("31/2/2569", id="31-february"),
        pytest.param("29/2/2566", id="29-february-non-leap-be-2566"),
        pytest.param("29/2/2023", id="29-february-non-leap-ce"),
        pytest.param("5/13/2569", id="month-13"),
        pytest.param("0/1/2569", id="day-zero"),
        pytest.param("005/1/2569", id="three-digit-day"),
        pytest.param("5/1-2569", id="mixed-separators"),
        pytest.param("5/1", id="no-year"),
        pytest.param("2026-01", id="year-month-only"),
        pytest.param("5 Foo 2569", id="unknown-month"),
        pytest.param("5 มกราคม", id="named-month-no-year"),
        pytest.param("5 มกราคม 69", id="named-month-two-digit-year"),
        pytest.param("5 มกราคม พ.ศ. 2026", id="be-marker-with-ce-year"),
        pytest.param("5 January ค.ศ. 2569", id="ce-marker-with-be-year"),
        pytest.param("1" * 200, id="very-long"),
        pytest.param("hello", id="words"),
    ],
)
def test_parse_date_rejects_what_is_not_a_date(text: str) -> None:
    # Given text that is not an unambiguous calendar date
    # When it is parsed
    # Then DateParseError (a ValueError) is raised
    with pytest.raises(DateParseError):
        parse_date(text)


def test_date_parse_error_is_a_value_error() -> None:
    # Given the parse error type, then callers catching ValueError also catch it
    assert issubclass(DateParseError, ValueError)


@given(
    day=st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)),
    locale_style=st.sampled_from(
        [("th", "long"), ("th", "short"), ("en", "long"), ("en", "short")]
    ),
)
def test_format_then_parse_round_trips(day: date, locale_style: tuple[str, str]) -> None:
    # Given any date from 1950 to 2100 formatted for display
    locale, style = locale_style
    shown = format_date(day, locale, style)
    # When the displayed text is parsed back
    # Then the original date is recovered
    assert parse_date(shown) == day
