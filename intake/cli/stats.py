"""`flask --app wsgi intake stats-check`: are the published statistics a true recount?

The tallies behind /stats are kept in the same flush as every ORM change to a case. A
change made outside the application (SQL typed by hand, a restore of one table) would
leave them behind; this command finds that and, with ``--repair``, recounts.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from intake import tallies
from intake.extensions import db
from intake.row_security import host_wide_session


@click.command("stats-check")
@click.option("--repair", is_flag=True, help="Recount the tallies from the case table.")
@with_appcontext
def stats_check_command(repair: bool) -> None:
    """Compare the statistics tallies with a recount; exit status 1 if they differ."""
    with host_wide_session(db.session):  # every organisation's tallies and cases
        _check(repair)


def _check(repair: bool) -> None:
    connection = db.session.connection()
    kept, counted = tallies.stored(connection), tallies.recount(connection)
    differing = {key for key in kept.keys() | counted.keys() if kept.get(key) != counted.get(key)}
    if not differing:
        db.session.rollback()
        click.echo(f"statistics: {len(counted)} tally rows equal a recount of the cases")
        return
    click.echo(f"statistics: {len(differing)} tally rows differ from a recount", err=True)
    if not repair:
        db.session.rollback()
        raise SystemExit(1)
    rows = tallies.rebuild(db.session)
    db.session.commit()
    click.echo(f"statistics: recounted into {rows} tally rows")


COMMANDS = (stats_check_command,)
