"""An organisation's web name (its slug): the part of ``/o/<slug>/`` and of a host name
that names it. Lower-case ASCII letters, digits and single hyphens, 3 to 63 characters
(one DNS label), starting and ending with a letter or digit."""

from __future__ import annotations

import re
import unicodedata

MIN_LENGTH = 3
MAX_LENGTH = 63
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
FALLBACK = "org"


def valid_slug(text: str) -> bool:
    """Whether ``text`` may be an organisation's slug as it is."""
    return MIN_LENGTH <= len(text) <= MAX_LENGTH and _SLUG.fullmatch(text) is not None


def slug_from(name_en: str) -> str:
    """A valid slug made from an English name ("Ban Mai SAO" → "ban-mai-sao"): accents
    dropped, other characters hyphens, cut at a hyphen to 63 characters. A name without a
    Latin letter or digit (Thai only) gives "org"; a shorter one is lengthened with it."""
    ascii_text = unicodedata.normalize("NFKD", name_en).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_LENGTH:
        # One character more than fits: a hyphen there means the cut falls between words.
        cut = slug[: MAX_LENGTH + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut[:MAX_LENGTH]
    if not slug:
        return FALLBACK
    if len(slug) < MIN_LENGTH:
        return f"{slug}-{FALLBACK}"
    return slug
