"""Where a redirect built from request data may lead: a path on this site, nothing else.

A browser reading a Location header forgives a lot: it drops tabs and newlines anywhere,
strips spaces and control characters at the ends, reads a backslash as a slash. So
``/<TAB>/evil.example`` is followed as ``//evil.example``, another host. A target is
accepted only when no such reading can give it a scheme or a host, before and after
percent-decoding; anything else leads home. Every ``next``/return parameter goes through
``safe_next``.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

HOME = "/"
# Longer than any path of ours; a longer value is not one of ours.
MAX_TARGET_LENGTH = 2048
# Layers of percent-encoding undone before giving up (the app never makes even two).
_DECODE_ROUNDS = 3


def safe_next(target: str | None, default: str = HOME) -> str:
    """``target`` if it is a plain same-site path (with an optional query), else ``default``."""
    if not target or len(target) > MAX_TARGET_LENGTH:
        return default
    return target if _stays_on_site(target) else default


def _stays_on_site(value: str) -> bool:
    for _ in range(_DECODE_ROUNDS):
        if not _plain_path(value):
            return False
        decoded = unquote(value)
        if decoded == value:
            return True
        value = decoded
    return False


def _plain_path(value: str) -> bool:
    # Whitespace and invisible characters are what browsers silently drop or trim; a
    # backslash is what they read as a slash. None belongs in a path we link to.
    if any(char.isspace() or not char.isprintable() or char == "\\" for char in value):
        return False
    if not value.startswith("/") or value.startswith("//"):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc
