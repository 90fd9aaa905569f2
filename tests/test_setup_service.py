"""First-run setup as a service (`services/setup.py`): the first custodian's account and
development's demo logins, which `intake init` prints."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from werkzeug.security import check_password_hash

from intake.extensions import db
from intake.models import Department, Role
from intake.services import setup
from intake.services.keyring import current_keyring
from intake.services.users import create_user, find_user, has_usable_password
from tests.support.custodian import CUSTODIAN

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


def test_a_custodian_account_is_made_without_a_password_or_found(app: Flask) -> None:
    with app.app_context():
        # When a new custodian's account is asked for
        user, created = setup.custodian_account(db.session, "somsri", None)
        # Then it is made with the custodian role and no password (its person enrols)
        assert created and user.role is Role.CUSTODIAN and user.display_name == "somsri"
        assert not has_usable_password(user)

        # When an existing account is asked for, then it is returned as it is, role and all
        create_user(db.session, "somchai", "สมชาย", Role.LEGAL, None)
        found, created = setup.custodian_account(db.session, "somchai", "other name")
        assert not created and found.role is Role.LEGAL and found.display_name == "สมชาย"


def test_development_logins_share_one_password_kept_in_the_instance(app: Flask) -> None:
    instance = Path(app.instance_path)
    with app.app_context():
        # When the development logins are made
        password = setup.ensure_development_users(db.session, current_keyring(), instance, NOW)

        # Then every role has its account, all opened by the one password, with two-factor
        usernames = [username for username, _role, _name in setup.DEV_USERS] + [CUSTODIAN]
        for username in usernames:
            user = find_user(db.session, username)
            assert user is not None and user.totp_secret_enc is not None
            assert check_password_hash(user.password_hash, password), username
        officer = find_user(db.session, "department")
        assert officer is not None and officer.department_id is not None
        department = db.session.get(Department, officer.department_id)
        assert department is not None and department.name_th == setup.DEV_DEPARTMENT
        # ...and the password is kept where `make run` shows it again
        assert (instance / setup.DEV_LOGINS_FILE).read_text().strip() == password

        # When made again, then nothing changes: the same password still opens them
        again = setup.ensure_development_users(db.session, current_keyring(), instance, NOW)
        assert again == password
        assert len([u for u in usernames if find_user(db.session, u) is not None]) == 7


def test_a_development_passphrase_is_saved_and_read_back(tmp_path: Path) -> None:
    assert setup.saved_development_passphrase(tmp_path) is None
    passphrase = setup.development_passphrase()
    assert len(passphrase) >= 20
    setup.save_development_passphrase(tmp_path, passphrase)
    assert setup.saved_development_passphrase(tmp_path) == passphrase
    assert (tmp_path / setup.DEV_PASSPHRASE_FILE).stat().st_mode & 0o077 == 0
