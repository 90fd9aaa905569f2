"""`intake demo-data`: realistic demo cases, in the form real ones take, loaded fast."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from intake import crypto, tallies, thaidate
from intake.demo import data as demo_data
from intake.extensions import db
from intake.models import (
    AuditEntry,
    Case,
    CaseEvent,
    CaseKind,
    Channel,
    EventType,
    ReferenceCounter,
    Role,
    User,
)
from intake.services import audit
from intake.services.identity import open_case_identity
from intake.services.keyring import current_keyring
from intake.workflow import CLOSED, Status
from tests.support.builders import complaint_form
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE
from tests.support.filing import file_and_read_receipt
from tests.support.staff import staff_client

CODE_LINE = re.compile(r"^\s+(open complaint|closed complaint|open tip) (\S+) \((\w+)\): ([\d ]+)$")
SMALL = "100"  # cases: every month of a year and open and closed ones, still quick


def _run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["intake", "demo-data", *args])


def _load(app: Flask, *args: str) -> Result:
    result = _run(app, "--cases", SMALL, "--seed", "7", *args)
    assert result.exit_code == 0, result.output
    return result


def _codes(output: str) -> dict[str, tuple[str, str, str]]:
    """label -> (reference, status, code) as printed."""
    found = {}
    for line in output.splitlines():
        match = CODE_LINE.match(line)
        if match:
            found[match.group(1)] = (match.group(2), match.group(3), match.group(4))
    return found


def _cases(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Case)) or 0


def _previous_fiscal_year() -> int:
    return thaidate.fiscal_year(thaidate.local_date(datetime.now(UTC))) - 1


def test_default_period_fills_every_month_of_the_last_fiscal_year(app: Flask) -> None:
    # Given a fresh instance
    # When the demo data are loaded with a small count over the default period
    output = _load(app).output

    # Then every month of the previous fiscal year has complaints on /stats.json,
    # tips exist, and the summary names both kinds
    figures = app.test_client().get(f"/stats.json?fy={_previous_fiscal_year()}").get_json()
    complaint_months = figures["kinds"]["complaint"]["months"]
    assert len(complaint_months) == 12
    assert all(month["received"] > 0 for month in complaint_months), complaint_months
    assert figures["kinds"]["complaint"]["totals"]["completed"] > 0
    assert figures["kinds"]["tip"]["totals"]["received"] > 0
    assert "complaint: FY" in output and "tip: FY" in output
    # And both kinds, several channels and every active category of each kind are used
    with app.app_context():
        kinds = Counter(db.session.scalars(select(Case.kind)))
        channels = set(db.session.scalars(select(Case.channel)))
        statuses = set(db.session.scalars(select(Case.status)))
        timeline = set(db.session.scalars(select(CaseEvent.type)))
    assert kinds[CaseKind.COMPLAINT] > 4 * kinds[CaseKind.TIP] > 0
    assert Channel.WEB in channels and len(channels) >= 4
    assert statuses & CLOSED and statuses - CLOSED
    assert {EventType.FILED, EventType.STATUS, EventType.INTERIM_NOTICE} <= timeline


def test_tallies_equal_a_recount_and_one_audit_entry_records_the_load(app: Flask) -> None:
    # When demo cases are loaded (bulk writes, outside the ORM's flush hooks)
    _load(app)

    # Then the statistics' tallies equal a recount from the case table
    with app.app_context():
        connection = db.session.connection()
        assert tallies.stored(connection) == tallies.recount(connection)
        assert tallies.stored(connection)
        # And the load is one audit entry, not one per case, and the chain holds
        entries = db.session.scalars(select(AuditEntry)).all()
        demo_entries = [e for e in entries if e.detail.startswith("demo data:")]
        assert len(demo_entries) == 1 and demo_entries[0].case_id is None
        assert demo_entries[0].action == "admin.demo_data_loaded"
        assert not [e for e in entries if e.action == "case.filed" and e.case_id]
        assert audit.verify(db.session, current_keyring()).ok


def test_printed_codes_track_demo_complaints(app: Flask) -> None:
    # Given loaded demo data and the codes the command printed
    codes = _codes(_load(app).output)
    assert {"open complaint", "closed complaint"} <= codes.keys()
    client = app.test_client()
    for label in ("open complaint", "closed complaint"):
        reference, status, code = codes[label]
        # When the complainant types the code on /track
        page = client.post("/track", data={"code": code})
        # Then their case opens with its status and reference
        html = page.get_data(as_text=True)
        assert page.status_code == 200, html[:500]
        assert f'data-status="{status}"' in html and reference in html
        client.post("/track/leave")
    assert Status(codes["closed complaint"][1]) in CLOSED
    assert Status(codes["open complaint"][1]) not in CLOSED


def test_staff_pages_open_demo_cases_and_identities_open_for_the_custodian(app: Flask) -> None:
    # Given demo data with non-anonymous tips
    _load(app)
    with app.app_context():
        keyring = current_keyring()
        tip = db.session.scalars(
            select(Case).where(Case.kind == CaseKind.TIP, Case.identity_sealed.is_not(None))
        ).first()
        complaint = db.session.scalars(
            select(Case).where(Case.kind == CaseKind.COMPLAINT, Case.contact_enc.is_not(None))
        ).first()
        assert tip is not None and complaint is not None
        tip_id, complaint_id = tip.id, complaint.id
        subject = crypto.decrypt_text(
            keyring, tip.subject_enc, table="cases", column="subject", row_id=tip.id
        )
        # Then the sealed identity opens with the custodian's passphrase, as a real one
        custodian = db.session.scalars(select(User).where(User.username == CUSTODIAN)).one()
        identity = open_case_identity(
            db.session, current_keyring(), custodian, CUSTODIAN_PASSPHRASE, tip, datetime.now(UTC)
        )
        assert identity["name"]
    # When a legal officer opens the tip and an intake officer the complaint
    legal = staff_client(app, "demo-legal", Role.LEGAL)
    page = legal.get(f"/staff/cases/{tip_id}")
    # Then both pages render
    assert page.status_code == 200 and subject in page.get_data(as_text=True)
    intake = staff_client(app, "demo-intake", Role.INTAKE)
    assert intake.get(f"/staff/cases/{complaint_id}").status_code == 200


def _bindings() -> list[tuple[str, str, str, Any]]:
    """(table, column, row id, value) of every non-empty ``_enc`` value in the database."""
    found = []
    for table in db.metadata.sorted_tables:
        encrypted = [c for c in table.columns if c.name.endswith("_enc")]
        if not encrypted:
            continue
        key = list(table.primary_key.columns)[0]
        for row in db.session.execute(select(key, *encrypted)):
            for column, value in zip(encrypted, row[1:], strict=True):
                if value is not None:
                    found.append((table.name, column.name[: -len("_enc")], str(row[0]), value))
    return found


def test_every_encrypted_value_opens_with_its_own_binding_only(app: Flask) -> None:
    # Given demo data
    _load(app)
    with app.app_context():
        keyring = current_keyring()
        values = _bindings()
        tables = {table for table, _column, _row, _value in values}
        # Then every ciphertext opens with (table, column, row id), as real ones do
        assert {"cases", "case_events", "satisfaction"} <= tables
        for table, column, row_id, value in values:
            crypto.decrypt_field(keyring, value, table=table, column=column, row_id=row_id)
        # And not when moved to another row
        table, column, _row_id, value = values[0]
        with pytest.raises(crypto.DecryptionFailed):
            crypto.decrypt_field(keyring, value, table=table, column=column, row_id="other")


def test_second_run_adds_nothing_and_real_filing_continues_the_numbers(make_app: Any) -> None:
    # Given a development instance with demo data
    app = make_app(INTAKE_ENV="development")
    first = _load(app)
    loaded = _cases(app)

    # When `make run` runs the command again
    again = _run(app)
    # Then nothing is added, and the saved demo codes are shown again
    assert again.exit_code == 0 and "no demo cases added" in again.output
    assert _cases(app) == loaded
    assert _codes(again.output) == _codes(first.output) != {}

    # When a citizen files a complaint now
    current = thaidate.fiscal_year(thaidate.local_date(datetime.now(UTC)))
    with app.app_context():
        last = db.session.get(ReferenceCounter, (1, CaseKind.COMPLAINT, current))
        assert last is not None
        last_number = last.last_number
    reference, _code = file_and_read_receipt(app.test_client(), "/complaints/new", complaint_form())
    # Then it gets the number after the demo cases
    assert reference == f"รร-{current}-{last_number + 1:05d}"

    # When more demo cases are forced in, references stay unique and gapless per year
    forced = _run(app, "--cases", "8", "--force")
    assert forced.exit_code == 0, forced.output
    with app.app_context():
        rows = db.session.execute(select(Case.kind, Case.fiscal_year, Case.sequence)).all()
        counters = {
            (c.kind, c.fiscal_year): c.last_number
            for c in db.session.scalars(select(ReferenceCounter))
        }
    assert len(rows) == loaded + 1 + 8
    per_year: dict[tuple[CaseKind, int], list[int]] = {}
    for kind, fiscal_year, sequence in rows:
        per_year.setdefault((kind, fiscal_year), []).append(sequence)
    for key, sequences in per_year.items():
        assert sorted(sequences) == list(range(1, len(sequences) + 1)), key
        assert counters[key] == len(sequences)


def test_refused_in_production_unless_allowed(make_app: Any) -> None:
    # Given a production instance
    make_app()
    production = make_app(INTAKE_ENV="production")

    # When demo data are asked for
    refused = _run(production, "--cases", "3")
    # Then the command refuses, says why, and adds nothing
    assert refused.exit_code == 1
    assert "production" in refused.output and "--allow-production" in refused.output
    assert _cases(production) == 0

    # When a benchmark allows it explicitly, cases are added but no code is printed
    allowed = _run(production, "--cases", "3", "--allow-production")
    assert allowed.exit_code == 0, allowed.output
    assert _cases(production) == 3
    assert not _codes(allowed.output)


def test_batches_drawn_in_worker_processes_load_every_case_once(app: Flask) -> None:
    # When batches are drawn in two worker processes
    now = datetime.now(UTC)
    with app.app_context():
        result = demo_data.load(
            db.session,
            current_keyring(),
            cases=30,
            fiscal_years=demo_data.default_fiscal_years(now),
            seed=3,
            now=now,
            batch_size=8,
            workers=2,
        )
        # Then every case arrives, numbered once, and the tallies still equal a recount
        references = list(db.session.scalars(select(Case.reference)))
        connection = db.session.connection()
        assert tallies.stored(connection) == tallies.recount(connection)
    assert result.cases == len(references) == len(set(references)) == 30
