"""A backup of linked cases restores: the archive holds cases in id order, so a duplicate
may come before its primary (the link is checked at commit, not row by row)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from builders import complaint_form
from cli_support import run_intake
from sqlalchemy import select
from staff_support import make_staff
from test_backup import _backup, _close_instances, _dump, _instance, _restored  # noqa: F401
from test_public_filing import file_and_read_receipt

from intake.extensions import db
from intake.models import Case, Role, User
from intake.services import case_links
from intake.services.keyring import current_keyring


def test_linked_cases_survive_a_backup_and_restore(tmp_path: Path, postgres: Any) -> None:
    # Given two complaints where the one with the smaller id is linked to the other
    source = _instance(tmp_path, "source", postgres)
    run_intake(source, "init", "--no-demo")
    client = source.test_client()
    for _ in range(2):
        file_and_read_receipt(client, "/complaints/new", complaint_form())
    officer_id = make_staff(source, "intake1", Role.INTAKE)
    with source.app_context():
        first, second = db.session.scalars(select(Case).order_by(Case.id)).all()
        officer = db.session.get(User, officer_id)
        assert officer is not None
        first_id, second_id, primary = first.id, second.id, second.reference
        case_links.link(
            db.session, current_keyring(), officer, first_id, primary, now=first.received_at
        )
    before = _dump(source)

    # When it is backed up and restored into an empty instance
    archive = _backup(source, tmp_path)
    target = _restored(tmp_path, source, archive, postgres, "target")

    # Then every row is back, the link with it
    assert _dump(target)["cases"] == before["cases"]
    with target.app_context():
        restored = db.session.get(Case, first_id)
        assert restored is not None and restored.primary_case_id == second_id
