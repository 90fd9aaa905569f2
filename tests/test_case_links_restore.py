"""A backup of linked cases restores: the archive holds cases in id order, so a duplicate
may come before its primary (the link is checked at commit, not row by row)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from intake.extensions import db
from intake.models import Case, Role, User
from intake.services import case_links
from intake.services.keyring import current_keyring
from tests.support.backup import backup_of, close_instances, dump, make_instance, restored_instance  # noqa: F401
from tests.support.builders import complaint_form
from tests.support.cli import run_intake
from tests.support.filing import file_and_read_receipt
from tests.support.staff import make_staff

# Other connections, threads or processes read what these tests write.
pytestmark = pytest.mark.commits


def test_linked_cases_survive_a_backup_and_restore(tmp_path: Path, postgres: Any) -> None:
    # Given two complaints where the one with the smaller id is linked to the other
    source = make_instance(tmp_path, "source", postgres)
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
    before = dump(source)

    # When it is backed up and restored into an empty instance
    archive = backup_of(source, tmp_path)
    target = restored_instance(tmp_path, source, archive, postgres, "target")

    # Then every row is back, the link with it
    assert dump(target)["cases"] == before["cases"]
    with target.app_context():
        restored = db.session.get(Case, first_id)
        assert restored is not None and restored.primary_case_id == second_id
