"""Report files for executives: PDF and XLSX of ``intake.services.reports.gather``.

The staff page and the ``intake report`` command both call ``export``, so a file from the
command line is the file the page gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale

from intake.crypto import Keyring
from intake.models import User
from intake.services import DbSession
from intake.services import reports as reports_service
from intake.services.reports import Report, ReportKey

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIMETYPES = {"pdf": "application/pdf", "xlsx": XLSX_MIME}
FORMATS = tuple(MIMETYPES)
LANGUAGES = ("th", "en")


@dataclass(frozen=True)
class ReportFile:
    filename: str  # ASCII, e.g. intake-report-2569-h1-tip.pdf
    mimetype: str
    data: bytes


def _builder(fmt: str) -> Callable[[Report, str], bytes]:
    # Imported here: the PDF side loads WeasyPrint only when a PDF is asked for.
    if fmt == "pdf":
        from intake.reports import pdf

        return pdf.build
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
    reader: User | None = None,
) -> ReportFile:
    """The report as of ``now`` in ``language``. Raises ``intake.pdf.PdfUnavailable``
    when PDF rendering cannot run on this machine."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown report language: {language!r}")
    builder = _builder(fmt)
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
) -> ReportFile:
    """Build the file, then note in the audit log that it left the system (``actor``
    None: the command line). Nothing is recorded when the file could not be made."""
    file = build(session, key, fmt, now, language, actor)
    reports_service.record_export(session, keyring, actor, key, fmt, now)
    return file
