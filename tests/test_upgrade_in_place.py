"""A populated installation of the previous version (one organisation per installation)
upgrades in place with `intake init`, as its operator upgrades it, and nothing is lost.

The instance was made and filled by the previous version's own code (see
tests/support/previous_version.py): complaints and tips in several statuses with files,
public replies, an approved and opened reveal, reopen requests, a survey answer, staff of
every role, a holiday, a report narrative, mail waiting in the outbox, the audit log.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import select

from intake import crypto
from intake.extensions import db
from intake.models import Attachment, AuditEntry, Organisation, RevealRequest, RevealStatus, User
from intake.services import ServiceError
from intake.services.audit import verify
from intake.services.case_reading import case_details
from intake.services.keyring import current_keyring
from intake.services.organisations import FIRST_SLUG
from intake.services.public_status import find_by_code
from intake.services.reveal import view_identity
from tests.support.backup import close_instances, dump  # noqa: F401
from tests.support.builders import complaint_form
from tests.support.cli import run_intake
from tests.support.filing import file_and_read_receipt
from tests.support.previous_version import counts_since, manifest, previous_instance
from tests.support.staff import sign_in

# The instance's database is written by the command and read by the test's own engine.
pytestmark = pytest.mark.commits

STATUS = re.compile(r'id="case-status"[^>]* data-status="([a-z_]+)"')
# The addresses an agency's website and printed leaflets already link to.
OLD_ROOT_PAGES = ("/", "/complaints/new", "/tips/new", "/track", "/stats", "/guide", "/staff/login")


def _sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def _upgraded(tmp_path: Path, postgres: Any) -> tuple[Flask, dict[str, Any]]:
    app = previous_instance(tmp_path, postgres)
    output = run_intake(app, "init")
    assert "identity key: present" in output and "keys: present" in output
    return app, manifest(postgres)


def _row_counts(app: Flask, before: dict[str, int]) -> dict[str, int]:
    return counts_since(dump(app), before)


def test_every_row_case_text_and_file_is_kept(tmp_path: Path, postgres: Any) -> None:
    app, before = _upgraded(tmp_path, postgres)
    # every table keeps its rows; the tallies are recounted (below), without empty rows
    expected = {**before["rows"], "case_tallies": len(before["tallies"])}
    assert _row_counts(app, before["rows"]) == expected
    with app.app_context():
        organisation = db.session.scalars(select(Organisation)).one()
        assert organisation.slug == FIRST_SLUG
        keyring, uploads = current_keyring(), Path(app.config["INTAKE_UPLOADS_PATH"])
        for recorded in before["cases"]:
            case = find_by_code(db.session, keyring, recorded["tracking_code"])
            assert case is not None, recorded["reference"]
            assert (case.id, case.reference) == (recorded["id"], recorded["reference"])
            assert (case.kind.value, case.status.value) == (recorded["kind"], recorded["status"])
            assert case.organisation_id == organisation.id
            details = case_details(keyring, case)
            assert _sha256(details.subject) == recorded["subject_sha256"]
            assert _sha256(details.details) == recorded["details_sha256"]
            files = {}
            for attachment in db.session.scalars(
                select(Attachment).where(Attachment.case_id == case.id)
            ):
                data = crypto.decrypt_field(
                    keyring,
                    (uploads / attachment.stored_name).read_bytes(),
                    table="attachments",
                    column="data",
                    row_id=attachment.id,
                )
                files[attachment.id] = _sha256(data)
            assert files == {f["id"]: f["sha256"] for f in recorded["attachments"]}
        db.session.rollback()


def test_the_audit_chain_keeps_every_old_entry_and_verifies(tmp_path: Path, postgres: Any) -> None:
    app, before = _upgraded(tmp_path, postgres)
    assert "intact" in run_intake(app, "audit-verify")
    expected = before["audit"]
    with app.app_context():
        entries = db.session.execute(
            select(AuditEntry.id, AuditEntry.action, AuditEntry.mac).order_by(AuditEntry.id)
        ).all()
        assert verify(db.session, current_keyring()).ok
        db.session.rollback()
    old = entries[: expected["entries"]]
    chain = "\n".join(f"{entry.id}|{entry.action}|{entry.mac}" for entry in old)
    assert _sha256(chain) == expected["chain_sha256"]
    assert (old[-1].id, old[-1].mac) == (expected["last_id"], expected["last_mac"])


def test_the_statistics_tallies_are_recounted_for_the_organisation(
    tmp_path: Path, postgres: Any
) -> None:
    app, before = _upgraded(tmp_path, postgres)
    run_intake(app, "stats-check")
    with app.app_context():
        organisation_id = db.session.scalars(select(Organisation.id)).one()
        rows = db.session.execute(
            sa.text(
                "SELECT organisation_id, kind, month, dimension, value, closed, on_time, "
                "cases, responses, satisfied FROM case_tallies"
            )
        ).all()
        db.session.rollback()
    assert {row[0] for row in rows} == {organisation_id}
    # the same figures the previous version published
    recounted = sorted([*row[1:5], bool(row[5]), bool(row[6]), *row[7:]] for row in rows)
    assert recounted == before["tallies"]


def test_tracking_codes_find_their_cases_at_the_root_and_under_the_prefix(
    tmp_path: Path, postgres: Any
) -> None:
    app, before = _upgraded(tmp_path, postgres)
    for recorded in before["cases"]:
        for prefix in ("", f"/o/{FIRST_SLUG}"):
            client = app.test_client()  # a new visitor: no case followed yet
            page = client.post(f"{prefix}/track", data={"code": recorded["tracking_code"]})
            assert page.status_code == 200, (prefix, recorded["reference"])
            shown = STATUS.search(page.get_data(as_text=True))
            assert shown is not None, (prefix, recorded["reference"])
            assert shown.group(1) == recorded["status"], (prefix, recorded["reference"])


def test_old_root_addresses_answer_as_before(tmp_path: Path, postgres: Any) -> None:
    app, before = _upgraded(tmp_path, postgres)
    client = app.test_client()
    for path in OLD_ROOT_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
    front = client.get("/").get_data(as_text=True)
    assert 'href="/complaints/new"' in front and 'href="/tips/new"' in front
    assert 'role="search"' not in front  # an organisation's front page, not the directory
    # the published statistics count every old case
    figures = client.get("/stats.json", query_string={"fy": "2570"}).get_json()
    received = {kind: figures["kinds"][kind]["totals"]["received"] for kind in ("complaint", "tip")}
    assert received == {
        kind: sum(case["kind"] == kind for case in before["cases"]) for kind in received
    }


def test_the_approved_reveal_still_opens_for_its_requester_within_its_window(
    tmp_path: Path, postgres: Any
) -> None:
    app, before = _upgraded(tmp_path, postgres)
    reveal = before["reveal"]
    approved = datetime.fromisoformat(reveal["approved_at"])
    expires = datetime.fromisoformat(reveal["expires_at"])
    with app.app_context():
        keyring = current_keyring()
        requester = db.session.scalars(
            select(User).where(User.username == reveal["requester"])
        ).one()
        seen = view_identity(
            db.session,
            keyring,
            requester,
            reveal["request_id"],
            before["staff_password"],
            approved + timedelta(days=2),
        )
        assert seen.fields["name"] == reveal["identity_name"]
        assert seen.expires_at == expires
        with pytest.raises(ServiceError):
            view_identity(
                db.session,
                keyring,
                requester,
                reveal["request_id"],
                before["staff_password"],
                expires + timedelta(minutes=1),
            )
        db.session.rollback()
    # on today's clock its window has long ended: the first request wipes what it sealed
    assert app.test_client().get("/").status_code == 200
    with app.app_context():
        ended = db.session.get(RevealRequest, reveal["request_id"])
        assert ended is not None and ended.status is RevealStatus.EXPIRED
        assert ended.revealed_sealed is None
        db.session.rollback()
    assert "intact" in run_intake(app, "audit-verify")


def test_the_installation_carries_on_where_it_was(tmp_path: Path, postgres: Any) -> None:
    app, before = _upgraded(tmp_path, postgres)
    # a new complaint at the old address takes the next number of the year's series
    numbers = [c["reference"] for c in before["cases"] if c["kind"] == "complaint"]
    reference, code = file_and_read_receipt(app.test_client(), "/complaints/new", complaint_form())
    assert reference.startswith(max(numbers)[:-5])
    assert int(reference[-5:]) == int(max(numbers)[-5:]) + 1
    # its audit entry follows the old chain, which still verifies
    checked = re.search(r"(\d+) entries, chain intact", run_intake(app, "audit-verify"))
    assert checked is not None and int(checked.group(1)) > before["audit"]["entries"]
    # a member of staff signs in at the old address with their password and two-factor,
    # and finds the old cases
    legal = sign_in(app, "legal1")
    queue = legal.get("/staff/cases", query_string={"status": "all"}).get_data(as_text=True)
    tips = [c["reference"] for c in before["cases"] if c["kind"] == "tip"]
    assert all(reference in queue for reference in tips), queue[:2000]
    assert app.test_client().post("/track", data={"code": code}).status_code == 200
