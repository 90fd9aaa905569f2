"""The marks server-drawn SVG charts are made of: text, rectangles, lines, the frame.

Only presentation attributes (no CSS variables, no ``<style>``, no foreignObject), so
that the markup renders alike in browsers and in WeasyPrint. Every text goes through
``escape`` here, exactly once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from intake.pdf import FONT_FAMILY

# Explicit font: WeasyPrint does not inherit the page's font into SVG text. A browser
# page overrides it with CSS (``font-family: inherit``), which beats presentation
# attributes.
FONTS = f"{FONT_FAMILY}, TH Sarabun New, Noto Sans Thai, Leelawadee UI, Tahoma, sans-serif"
INK = "#1b1f24"
BACKGROUND = "#ffffff"


@dataclass(frozen=True)
class Frame:
    """Everything around the drawing: size, identifiers, accessible name."""

    width: float
    height: float
    chart_id: str
    title: str
    description: str
    css_class: str
    scale: float = 1.0  # display size (width and height attributes) ÷ viewBox size


def num(value: float) -> str:
    """A coordinate, short: 12, 12.5."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _attrs(attrs: dict[str, object]) -> str:
    parts = []
    for name, value in attrs.items():
        text = num(value) if isinstance(value, float) else str(value)
        parts.append(f'{name}="{escape(text)}"')
    return " ".join(parts)


def _element(tag: str, content: str = "", /, **attrs: object) -> str:
    names = {key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()}
    if content:
        return f"<{tag} {_attrs(names)}>{content}</{tag}>"
    return f"<{tag} {_attrs(names)}/>"


def _plain(text: str) -> str:
    """Text as it should read. A Markup argument (Jinja's ``_()`` returns one, with the
    translation unescaped) is turned back into plain text, so that ``escape`` below
    escapes every character exactly once."""
    return text.unescape() if isinstance(text, Markup) else str(text)


def text(x: float, y: float, content: str, size: float = 12, **attrs: object) -> str:
    return _element("text", str(escape(_plain(content))), x=x, y=y, font_size=size, **attrs)


def titled(full_text: str, parts: Sequence[str]) -> str:
    """A group of elements with the whole text as its tooltip."""
    return f"<g><title>{escape(_plain(full_text))}</title>{''.join(parts)}</g>"


def rect(x: float, y: float, width: float, height: float, **attrs: object) -> str:
    return _element("rect", x=x, y=y, width=width, height=height, **attrs)


def line(x1: float, y1: float, x2: float, y2: float, **attrs: object) -> str:
    return _element("line", x1=x1, y1=y1, x2=x2, y2=y2, **attrs)


def digest_id(*parts: object) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:10]
    return f"chart-{digest}"


def document(frame: Frame, body: Sequence[str]) -> Markup:
    title_id, desc_id = f"{frame.chart_id}-title", f"{frame.chart_id}-desc"
    head = _attrs(
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "class": frame.css_class,
            "id": frame.chart_id,
            "role": "img",
            "aria-labelledby": f"{title_id} {desc_id}",
            "viewBox": f"0 0 {num(frame.width)} {num(frame.height)}",
            "width": num(frame.width * frame.scale),
            "height": num(frame.height * frame.scale),
            "preserveAspectRatio": "xMinYMin meet",
            "font-family": FONTS,
            "fill": INK,
        }
    )
    parts = [
        f"<svg {head}>",
        f'<title id="{title_id}">{escape(_plain(frame.title))}</title>',
        f'<desc id="{desc_id}">{escape(_plain(frame.description))}</desc>',
        rect(0.0, 0.0, frame.width, frame.height, fill=BACKGROUND),
        *body,
        "</svg>",
    ]
    return Markup("\n".join(parts))  # noqa: S704  # nosec B704 - every text above went through escape()
