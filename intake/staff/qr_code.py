"""The QR code that carries a two-factor secret's otpauth:// URI to a phone."""

from __future__ import annotations

from markupsafe import Markup


def qr_svg(uri: str) -> Markup:
    """Inline SVG, shown beside the URI on the enrolment pages."""
    # segno loads with the first enrolment: a worker serving other pages never needs it.
    import segno

    return Markup(segno.make(uri, error="m").svg_inline(scale=5, title="QR"))  # noqa: S704  # nosec B704 - SVG made by segno from our URI
