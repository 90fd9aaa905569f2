"""`flask --app wsgi intake report`: the ITA reports from the command line.

``intake report`` writes the file the staff page's download button gives (the same
``intake.reports.export``), and like a download it is noted in the audit log, by the
system. It prints the path written, never a figure, a reference or a name.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from intake import reports
from intake.cli.common import one_organisation, utc_now
from intake.extensions import db
from intake.models import CaseKind
from intake.pdf import PdfUnavailable
from intake.services import ServiceError
from intake.services.keyring import current_keyring
from intake.services.report_periods import ReportKey


@click.command("report")
@click.option("--fy", "fiscal_year", type=int, required=True, help="Fiscal year in BE, e.g. 2569.")
@click.option(
    "--half",
    type=click.Choice(["0", "1", "2"]),
    default="0",
    show_default=True,
    help="0 = the whole fiscal year (12 months), 1 = October–March, 2 = April–September.",
)
@click.option(
    "--kind",
    type=click.Choice([kind.value for kind in CaseKind]),
    required=True,
    help="complaint (general complaints) or tip (corruption tips).",
)
@click.option(
    "--format", "fmt", type=click.Choice(list(reports.FORMATS)), default="pdf", show_default=True
)
@click.option("--lang", type=click.Choice(list(reports.LANGUAGES)), default="th", show_default=True)
@click.option(
    "--digits",
    type=click.Choice(list(reports.DIGITS)),
    help="Numerals in a Thai PDF; default: the organisation's setting.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write; default: the download's file name in the current directory.",
)
@with_appcontext
@one_organisation
def report_command(
    fiscal_year: int,
    half: str,
    kind: str,
    fmt: str,
    lang: str,
    digits: str | None,
    output: Path | None,
) -> None:
    """Write a 6-month or 12-month report for executives as PDF or XLSX."""
    try:
        key = ReportKey(CaseKind(kind), fiscal_year, int(half))
    except ServiceError as error:
        raise click.BadParameter(
            "fiscal year must be a BE year such as 2569", param_hint="--fy"
        ) from error
    try:
        file = reports.export(
            db.session, current_keyring(), None, key, fmt, utc_now(), lang, digits
        )
    except PdfUnavailable as error:
        db.session.rollback()
        raise click.ClickException(
            "PDF rendering is unavailable on this machine (install Pango); try --format xlsx"
        ) from error
    path = output or Path.cwd() / file.filename
    path.write_bytes(file.data)
    click.echo(str(path))


COMMANDS = (report_command,)
