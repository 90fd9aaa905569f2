"""Pure normalisers for Thai identity and contact data.

Each function returns the canonical form of a value or raises InvalidValue whose
``code`` the form layer maps to a Thai message. Digits may be typed in Thai script.
"""

from __future__ import annotations

import re
import unicodedata

from intake.thaidate import to_arabic_digits

# Any of these may sit between digits: space, ASCII hyphen, dot, Unicode dashes/minus.
_SEPARATOR = r"[\s.\-\u2010-\u2015\u2212]"
_SEPARATED_DIGITS = re.compile(rf"[0-9](?:{_SEPARATOR}*[0-9])*")

# Digits in optional "(02)"-style groups, separators between, optional leading "+".
# Each repetition consumes exactly one digit or one group, so matching stays linear.
_PHONE_UNIT = r"(?:\([0-9]+\)|[0-9])"
_PHONE_SHAPE = re.compile(rf"\+?\s*{_PHONE_UNIT}(?:{_SEPARATOR}*{_PHONE_UNIT})*")
_MAX_PHONE_INPUT = 40

_NATIONAL_ID_LENGTH = 13
_MOBILE_PREFIXES = ("06", "08", "09")
_LANDLINE_PREFIXES = ("02", "03", "04", "05", "07")

_MAX_EMAIL = 254
_MAX_EMAIL_LOCAL = 64
_MAX_DOMAIN_LABEL = 63
_FORBIDDEN_IN_LOCAL = set('<>()[]\\,;:"@')

_GROUPED_NUMBER = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+")
_MAX_NUMBER_INPUT = 32


class InvalidValue(ValueError):
    """A value failed validation; ``code`` is a short machine-readable reason."""

    def __init__(self, code: str, message: str | None = None) -> None:
        super().__init__(message or code)
        self.code = code


def _compact_digits(text: str) -> str | None:
    """Digits of ``text`` if it is only digits with separators between them, else None."""
    candidate = to_arabic_digits(text).strip()
    if _SEPARATED_DIGITS.fullmatch(candidate) is None:
        return None
    return re.sub(r"[^0-9]", "", candidate)


def national_id_check_digit(first_twelve: str) -> int:
    """Check digit of a Thai national ID from its first 12 ASCII digits."""
    if len(first_twelve) != 12 or not first_twelve.isascii() or not first_twelve.isdigit():
        raise ValueError("need exactly 12 ASCII digits")
    total = sum(int(digit) * (13 - position) for position, digit in enumerate(first_twelve))
    return (11 - total % 11) % 10


def normalize_national_id(text: str) -> str:
    """13-digit Thai national ID with a valid check digit, e.g. "1101700230708"."""
    digits = _compact_digits(text)
    if digits is None or len(digits) != _NATIONAL_ID_LENGTH:
        raise InvalidValue("length", "national ID must be 13 digits")
    if national_id_check_digit(digits[:12]) != int(digits[12]):
        raise InvalidValue("checksum", "national ID check digit does not match")
    return digits


def _phone_digits(text: str) -> str:
    """Digits of a phone number in national form (leading 0), or raise "format"."""
    candidate = to_arabic_digits(text).strip()
    if len(candidate) > _MAX_PHONE_INPUT or _PHONE_SHAPE.fullmatch(candidate) is None:
        raise InvalidValue("format", "not a phone number")
    digits = re.sub(r"[^0-9]", "", candidate)
    international = candidate.startswith("+")
    if digits.startswith("00"):
        international = True
        digits = digits[2:]
    if not international:
        return digits
    if not digits.startswith("66"):
        raise InvalidValue("number", "not a Thai phone number")
    national = digits[2:]
    # "+66 (0)81 ..." and "+66081..." keep the trunk zero; do not add a second one.
    return national if national.startswith("0") else "0" + national


def normalize_thai_phone(text: str) -> str:
    """Thai mobile (10 digits, 06/08/09) or landline (9 digits, 02-05/07) as "0XXXXXXXX"."""
    national = _phone_digits(text)
    if len(national) == 10 and national.startswith(_MOBILE_PREFIXES):
        return national
    if len(national) == 9 and national.startswith(_LANDLINE_PREFIXES):
        return national
    raise InvalidValue("number", "not a valid Thai mobile or landline number")


def _is_valid_local_part(local: str) -> bool:
    return all(
        not char.isspace()
        and char not in _FORBIDDEN_IN_LOCAL
        and not unicodedata.category(char).startswith("C")
        for char in local
    )


def _is_domain_char(char: str) -> bool:
    """Letters (any script, with combining marks, for IDN), digits and hyphens."""
    category = unicodedata.category(char)
    return char == "-" or category[0] in ("L", "M") or category == "Nd"


def _is_valid_label(label: str) -> bool:
    return (
        0 < len(label) <= _MAX_DOMAIN_LABEL
        and not label.startswith("-")
        and not label.endswith("-")
        and all(_is_domain_char(char) for char in label)
    )


def _is_valid_domain(domain: str) -> bool:
    labels = domain.split(".")
    return (
        len(labels) >= 2
        and all(_is_valid_label(label) for label in labels)
        and not labels[-1].isdigit()
    )


def normalize_email(text: str) -> str:
    """Trimmed e-mail address with the domain lower-cased; the local part is kept as typed."""
    address = text.strip()
    if len(address) > _MAX_EMAIL:
        raise InvalidValue("length", "e-mail address is longer than 254 characters")
    if address.count("@") != 1:
        raise InvalidValue("format", "e-mail address needs exactly one @")
    local, domain = address.split("@")
    if not local or not _is_valid_local_part(local):
        raise InvalidValue("format", "invalid e-mail local part")
    if len(local) > _MAX_EMAIL_LOCAL:
        raise InvalidValue("length", "e-mail local part is longer than 64 characters")
    if not _is_valid_domain(domain):
        raise InvalidValue("format", "invalid e-mail domain")
    return f"{local}@{domain.lower()}"


def normalize_number(text: str) -> int:
    """Non-negative whole number, Thai digits and "1,234"-style grouping allowed."""
    candidate = to_arabic_digits(text).strip()
    if len(candidate) > _MAX_NUMBER_INPUT or _GROUPED_NUMBER.fullmatch(candidate) is None:
        raise InvalidValue("format", "not a whole number")
    return int(candidate.replace(",", ""))
