"""HTML to PDF with WeasyPrint, in Sarabun (the government-style Thai face, from PyPI).

Pango (with libthai) breaks Thai lines between words. HarfBuzz splits SARA AM (ำ) into
two glyphs and moves marks around, which a per-glyph ToUnicode map cannot describe, so a
PDF reader would copy "ดาเนิน" for "ดำเนิน"; every line is therefore wrapped in a
marked-content span whose /ActualText is the line's real text (readers, pdftotext and
screen readers use it). The fetcher refuses every address
but the font files and our own static folder: a document never loads from other hosts,
and text typed by staff cannot make the renderer read files or reach the network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import fontpkg_sarabun

STATIC = Path(__file__).resolve().parent / "static"
FONT_DIR = Path(fontpkg_sarabun.ROOT) / "files"
FONT_FAMILY = "Sarabun"
_FACES = (("Regular", 400, "normal"), ("Bold", 700, "normal"), ("Italic", 400, "italic"))


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot load its system libraries (Pango) on this machine."""


def font_face_css() -> str:
    """``@font-face`` rules for the document's stylesheet."""
    rules = []
    for style, weight, slant in _FACES:
        url = (FONT_DIR / f"Sarabun-{style}.ttf").as_uri()
        rules.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{url}"); '
            f"font-weight: {weight}; font-style: {slant}; }}"
        )
    return "\n".join(rules)


def _allowed(path: Path) -> bool:
    resolved = path.resolve()
    return any(resolved.is_relative_to(root) for root in (FONT_DIR, STATIC))


def _local_fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("file://"):
                raise ValueError("only the document's own files may be loaded")
            path = Path(url.removeprefix("file://").split("?", 1)[0])
            if not _allowed(path):
                raise ValueError("only the document's own files may be loaded")
            return super().fetch(url, headers)

    return LocalOnly(allowed_protocols=["file"])


def _hex_text(text: str) -> str:
    return "FEFF" + text.encode("utf-16-be").hex().upper()


def _install_actual_text() -> None:
    # WeasyPrint draws each line of a text box in ``draw_first_line``; wrapping it is the
    # one place a line's glyphs and its text are both at hand (pinned to WeasyPrint 70).
    import weasyprint.draw.text as draw_text

    original = draw_text.draw_first_line
    if getattr(original, "intake_actual_text", False):
        return

    def draw_first_line(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
        stream.begin_marked_content("Span", f"<</ActualText <{_hex_text(textbox.text)}>>>")
        try:
            return original(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    draw_first_line.intake_actual_text = True  # type: ignore[attr-defined]
    draw_text.draw_first_line = draw_first_line


def render(html: str) -> bytes:
    """The PDF of an HTML document whose stylesheet uses ``font_face_css()``.

    The PDF's title is the document's <title>."""
    try:
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration
    except OSError as error:  # missing libpango: say so instead of a bare traceback
        raise PdfUnavailable(str(error)) from error
    _install_actual_text()
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=_local_fetcher())
    pdf = document.write_pdf(font_config=fonts)
    assert pdf is not None  # noqa: S101  (write_pdf without a target returns the bytes)
    return pdf
