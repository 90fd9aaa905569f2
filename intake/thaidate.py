"""Buddhist-era dates, Thai fiscal years and Thai month names.

Citizens and officers read and type years in the Buddhist era (BE = CE + 543), and
budgets and reports run on the Thai fiscal year (1 October - 30 September, named by
the BE year it ends in). Everything here is pure and stdlib-only so that forms,
templates and reports agree on one set of rules.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")

BE_OFFSET = 543
"""Add to a CE year to get the BE year."""

THAI_MONTHS: tuple[str, ...] = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_ABBR: tuple[str, ...] = (
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
ENGLISH_MONTHS: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
ENGLISH_MONTHS_ABBR: tuple[str, ...] = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)

FISCAL_YEAR_START_MONTH = 10

# Below this a 4-digit year is read as CE; at or above it, as BE. BE 2400 is CE 1857,
# and CE 2400 is far enough away that the two ranges cannot be confused in practice.
_MIN_BE_YEAR = 2400
_MIN_CE_YEAR = 1900

_DIGIT_TABLE = str.maketrans("๐๑๒๓๔๕๖๗๘๙０１２３４５６７８９", "01234567890123456789")

# Input longer than this is not a date; the cap keeps regex work trivially bounded.
_MAX_DATE_INPUT = 100


def to_arabic_digits(text: str) -> str:
    """Replace Thai (๐-๙) and full-width (０-９) digits with ASCII 0-9."""
    return text.translate(_DIGIT_TABLE)


def be_year(d: date) -> int:
    """Buddhist-era year of a date."""
    return d.year + BE_OFFSET


def fiscal_year(d: date) -> int:
    """Thai fiscal year (BE) that a date falls in; October starts the next one."""
    return be_year(d) + (1 if d.month >= FISCAL_YEAR_START_MONTH else 0)


def fiscal_year_bounds(fy: int) -> tuple[date, date]:
    """First and last day (both inclusive) of a BE fiscal year."""
    end_year = fy - BE_OFFSET
    return date(end_year - 1, FISCAL_YEAR_START_MONTH, 1), date(end_year, 9, 30)


def fiscal_half(d: date) -> int:
    """1 for the first half of the fiscal year (Oct-Mar), 2 for the second (Apr-Sep)."""
    return 2 if 4 <= d.month <= 9 else 1


def fiscal_months(fy: int) -> list[date]:
    """First day of each month of a fiscal year, October to September."""
    start, _ = fiscal_year_bounds(fy)
    months: list[date] = []
    for offset in range(12):
        month_index = start.month - 1 + offset
        months.append(date(start.year + month_index // 12, month_index % 12 + 1, 1))
    return months


def local_date(dt: datetime) -> date:
    """Calendar date in Bangkok of an aware datetime."""
    return _to_bangkok(dt).date()


def _to_bangkok(dt: datetime) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("naive datetime: a time zone is required")
    return dt.astimezone(BANGKOK)


def _is_english(locale: str) -> bool:
    """True for "en" and regional variants such as "en_US" or "en-GB"."""
    return re.split(r"[_-]", locale, maxsplit=1)[0].lower() == "en"


def format_date(d: date, locale: str = "th", style: str = "long") -> str:
    """Human date: "5 มกราคม 2569" / "5 ม.ค. 2569" / "5 January 2026" / "5 Jan 2026"."""
    if style not in ("long", "short"):
        raise ValueError(f"unknown date style: {style!r}")
    short = style == "short"
    if _is_english(locale):
        names = ENGLISH_MONTHS_ABBR if short else ENGLISH_MONTHS
        return f"{d.day} {names[d.month - 1]} {d.year}"
    names = THAI_MONTHS_ABBR if short else THAI_MONTHS
    return f"{d.day} {names[d.month - 1]} {be_year(d)}"


def format_datetime(dt: datetime, locale: str = "th") -> str:
    """Bangkok wall-clock date and time: "5 มกราคม 2569 เวลา 14:05 น."."""
    local = _to_bangkok(dt)
    day = format_date(local.date(), locale)
    if _is_english(locale):
        return f"{day}, {local:%H:%M}"
    return f"{day} เวลา {local:%H:%M} น."


def format_month(d: date, locale: str = "th") -> str:
    """Month and year: "มกราคม 2569" / "January 2026"."""
    if _is_english(locale):
        return f"{ENGLISH_MONTHS[d.month - 1]} {d.year}"
    return f"{THAI_MONTHS[d.month - 1]} {be_year(d)}"


class DateParseError(ValueError):
    """Text could not be read as a date; callers show their own (Thai) message."""


def _month_key(token: str) -> str:
    """Comparable form of a month word: case-folded, without dots, commas or spaces."""
    return re.sub(r"[.,\s]", "", token.casefold())


def _build_month_lookup() -> dict[str, int]:
    lookup: dict[str, int] = {}
    names = zip(THAI_MONTHS, THAI_MONTHS_ABBR, ENGLISH_MONTHS, ENGLISH_MONTHS_ABBR, strict=True)
    for number, spellings in enumerate(names, start=1):
        for spelling in spellings:
            lookup[_month_key(spelling)] = number
    lookup["sept"] = 9
    return lookup


_MONTH_LOOKUP = _build_month_lookup()

_NUMERIC_DATE = re.compile(
    r"(?P<first>[0-9]+)\s*(?P<sep>[/.\-])\s*(?P<middle>[0-9]+)\s*(?P=sep)\s*(?P<last>[0-9]+)"
)
_NAMED_MONTH_DATE = re.compile(
    r"(?P<day>[0-9]{1,2})\s*(?P<month>[^0-9]+?)\s*"
    r"(?:(?P<era>พ\.?\s*ศ\.?|ค\.?\s*ศ\.?)\s*)?(?P<year>[0-9]+)"
)
_DAY_PREFIX = re.compile(r"^วันที่\s*")


def _clean_date_text(text: str) -> str:
    """ASCII digits, single spaces, no zero-width spaces, no leading "วันที่"."""
    text = to_arabic_digits(text).replace("\u200b", "")
    text = " ".join(text.split())
    return _DAY_PREFIX.sub("", text)


def _ce_year(raw: str, era: str | None = None) -> int:
    """Apply the year rule: 4 digits, >= 2400 is BE, 1900..2399 is CE."""
    if len(raw) != 4:
        raise DateParseError(f"year must have 4 digits: {raw!r}")
    year = int(raw)
    if year < _MIN_CE_YEAR:
        raise DateParseError(f"year out of range: {raw!r}")
    is_be = year >= _MIN_BE_YEAR
    if era is not None and is_be != era.startswith("พ"):
        raise DateParseError(f"year {raw!r} does not match era {era!r}")
    return year - BE_OFFSET if is_be else year


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateParseError(f"no such date: {day}/{month}/{year}") from exc


def _parse_numeric(match: re.Match[str]) -> date:
    first, middle, last = match.group("first", "middle", "last")
    if len(first) == 4:
        raw_year, raw_month, raw_day = first, middle, last
    else:
        raw_day, raw_month, raw_year = first, middle, last
    if len(raw_day) > 2 or len(raw_month) > 2:
        raise DateParseError("day and month must have at most 2 digits")
    return _make_date(_ce_year(raw_year), int(raw_month), int(raw_day))


def _parse_named_month(match: re.Match[str]) -> date:
    month = _MONTH_LOOKUP.get(_month_key(match.group("month")))
    if month is None:
        raise DateParseError(f"unknown month: {match.group('month')!r}")
    year = _ce_year(match.group("year"), match.group("era"))
    return _make_date(year, month, int(match.group("day")))


def parse_date(text: str) -> date:
    """Read a date the way Thai users type it (day first, BE or CE year, Thai digits).

    Accepted: "5/1/2569", "05-01-2026", "5.1.2569", "2026-01-05", "5 มกราคม 2569",
    "5 ม.ค. 2569", "5 January 2026", "5 Jan 2026", optionally after "วันที่" and with
    "พ.ศ."/"ค.ศ." before the year. Raises DateParseError otherwise.
    """
    if len(text) > _MAX_DATE_INPUT:
        raise DateParseError("input too long to be a date")
    cleaned = _clean_date_text(text)
    numeric = _NUMERIC_DATE.fullmatch(cleaned)
    if numeric is not None:
        return _parse_numeric(numeric)
    named = _NAMED_MONTH_DATE.fullmatch(cleaned)
    if named is not None:
        return _parse_named_month(named)
    raise DateParseError(f"not a date: {text!r}")
