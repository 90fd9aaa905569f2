"""A second (third…) organisation on the test's installation, set up as the first one is:
reference data, a custodian holding its own identity key."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask import Flask

from intake.demo.reference_data import add_demo_reference_data
from intake.extensions import db
from intake.models import Role
from intake.organisation_scope import APP_DEFAULT, work_for, work_for_by_default
from intake.services.identity import create_identity_key
from intake.services.keyring import current_keyring
from intake.services.organisations import create_organisation
from intake.services.settings import DEFAULT_ORGANISATION
from intake.services.users import create_user
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE

FIRST = 1  # the organisation every test instance starts with (slug "main")


def add_organisation(app: Flask, slug: str, name_th: str, **fields: Any) -> int:
    """Create an organisation with what the first one has; returns its id."""
    with app.app_context():
        settings = {**DEFAULT_ORGANISATION, "name_th": name_th, "name_en": slug, **fields}
        organisation = create_organisation(db.session, slug=slug, **settings)
        db.session.commit()
        organisation_id = organisation.id
        work_for(db.session, organisation_id)
        add_demo_reference_data(db.session)
        custodian = create_user(db.session, CUSTODIAN, "ผู้ดูแลข้อมูลตัวตน", Role.CUSTODIAN, "pw")
        create_identity_key(
            db.session, current_keyring(), custodian, CUSTODIAN_PASSPHRASE, datetime.now(UTC)
        )
        db.session.commit()
    return organisation_id


@contextmanager
def working_for(app: Flask, organisation_id: int) -> Iterator[None]:
    """Every app context opened inside works for this organisation (as ``--org`` does)."""
    before = app.extensions.get(APP_DEFAULT)
    work_for_by_default(app, organisation_id)
    try:
        yield
    finally:
        work_for_by_default(app, before)
