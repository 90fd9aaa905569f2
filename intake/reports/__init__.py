"""Report files for executives: PDF and XLSX of ``intake.services.reports.gather``.

The staff page and the ``intake report`` command both call ``export``, so a file from the
command line is the file the page gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from flask_babel import force_locale

from intake.crypto import Keyring
from intake.models import User
from intake.services import DbSession
from intake.services import reports as reports_service
from intake.services.report_periods import ReportKey
from intake.services.reports import Report
from intake.services.settings import get_organisation

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIMETYPES = {"pdf": "application/pdf", "xlsx": XLSX_MIME}
FORMATS = tuple(MIMETYPES)
LANGUAGES = ("th", "en")
# How the PDF prints its numbers: asked for on the download, else the organisation's setting.
DIGITS = ("thai", "arabic")


@dataclass(frozen=True)
class ReportFile:
    filename: str  # ASCII, e.g. intake-report-2569-h1-tip.pdf
    mimetype: str
    data: bytes


def thai_digits(session: DbSession, language: str, digits: str | None) -> bool:
    """Thai numerals in a Thai PDF when asked for, or by default when the organisation
    prints them; an English document keeps Arabic digits."""
    if language != "th":
        return False
    if digits is None:
        return bool(get_organisation(session).pdf_thai_digits)
    return digits == "thai"


def _builder(fmt: str, thai: bool) -> Callable[[Report, str], bytes]:
    # Imported here: the PDF side loads WeasyPrint only when a PDF is asked for.
    if fmt == "pdf":
        from intake.reports import pdf

        return partial(pdf.build, thai_digits=thai)
    if fmt == "xlsx":
        from intake.reports import xlsx

        return xlsx.build
    raise ValueError(f"unknown report format: {fmt!r}")


def build(
    session: DbSession,
    key: ReportKey,
    fmt: str,
    now: datetime,
    language: str = "th",
    digits: str | None = None,
    reader: User | None = None,
) -> ReportFile:
    """The report as of ``now`` in ``language``; ``digits`` ("thai" or "arabic", None for
    the organisation's setting) says how a PDF prints numbers. Raises
    ``intake.pdf.PdfUnavailable`` when PDF rendering cannot run on this machine."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown report language: {language!r}")
    if digits is not None and digits not in DIGITS:
        raise ValueError(f"unknown digits: {digits!r}")
    builder = _builder(fmt, thai_digits(session, language, digits))
    with force_locale(language):
        report = reports_service.gather(session, key, now, reader)
        data = builder(report, language)
    return ReportFile(key.filename(fmt), MIMETYPES[fmt], data)


def export(
    session: DbSession,
    keyring: Keyring,
    actor: User | None,
    key: ReportKey,
    fmt: str,
    now: datetime,
    language: str = "th",
    digits: str | None = None,
) -> ReportFile:
    """Build the file, then note in the audit log that it left the system (``actor``
    None: the command line). Nothing is recorded when the file could not be made."""
    file = build(session, key, fmt, now, language, digits, reader=actor)
    reports_service.record_export(session, keyring, actor, key, fmt, now)
    return file
