"""Reading the published guidelines, as HTML, printed and as PDF text."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from intake.extensions import db
from intake.models import Organisation
from intake.services.settings import get_organisation


def configure(app: Flask, **values: object) -> None:
    """Set organisation settings the way the settings page stores them."""
    with app.app_context():
        organisation = db.session.get(Organisation, get_organisation(db.session).id)
        assert organisation is not None
        for name, value in values.items():
            setattr(organisation, name, value)
        db.session.commit()


def page_of(client: FlaskClient, path: str = "/guide") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(page: str, section_id: str) -> str:
    """The HTML of the <section> whose heading has ``section_id``."""
    match = re.search(
        rf'<section aria-labelledby="{section_id}">(.*?)</section>', page, flags=re.DOTALL
    )
    assert match, section_id
    return match.group(1)


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def th(app: Flask, text: object) -> str:
    """A label (a lazy string) as the Thai page shows it."""
    with app.test_request_context("/"), force_locale("th"):
        return str(text)


def pdf_text(document: bytes, tmp_path: Path) -> str:
    binary = shutil.which("pdftotext")
    assert binary, "poppler-utils (pdftotext) is needed"
    path = tmp_path / "guide.pdf"
    path.write_bytes(document)
    out = subprocess.run([binary, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode()


def printed(phrase: str) -> re.Pattern[str]:
    """``phrase`` as pdftotext gives it back: a line may end at any space (which it eats)
    or between two Thai words (which have no space between them)."""
    parts = [r"\s+" if char == " " else re.escape(char) + r"\n?" for char in phrase]
    return re.compile("".join(parts))
