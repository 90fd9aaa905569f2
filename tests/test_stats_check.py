"""`intake stats-check` notices tallies left behind by SQL typed outside the app, and
`--repair` recounts them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import update

from intake.extensions import db
from intake.models import Case, CaseKind
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from intake.workflow import Status

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


def test_stats_check_finds_a_change_made_behind_the_apps_back_and_repairs_it(
    app: Flask, runner: FlaskCliRunner
) -> None:
    with app.app_context():
        uploads = Path(app.config["INTAKE_UPLOADS_PATH"])
        data = FilingInput(kind=CaseKind.COMPLAINT, subject="ไฟดับ", details="ซอย 3")
        file_case(db.session, current_keyring(), uploads, data, NOW)
    # Given tallies equal to the cases
    result = runner.invoke(args=["intake", "stats-check"])
    assert result.exit_code == 0, result.output
    assert "equal a recount" in result.output

    # When a case is closed by a bulk UPDATE (no ORM flush, so no tally change)
    with app.app_context():
        db.session.execute(update(Case).values(status=Status.RESOLVED, closed_at=NOW))
        db.session.commit()

    # Then the check fails, naming the difference
    result = runner.invoke(args=["intake", "stats-check"])
    assert result.exit_code == 1
    assert "differ" in result.output
    # and --repair recounts, after which it passes
    result = runner.invoke(args=["intake", "stats-check", "--repair"])
    assert result.exit_code == 0 and "recounted" in result.output
    result = runner.invoke(args=["intake", "stats-check"])
    assert result.exit_code == 0, result.output
