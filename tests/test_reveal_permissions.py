"""Who may hold the identity key, and who may exclude staff from a tip, is read from the
permission table (``intake.permissions.ROLE_PERMISSIONS``), like every other right: a
change of the table changes the rule, and the reveal code names no role of its own."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

import intake
from intake.extensions import db
from intake.models import Case, Role, User
from intake.permissions import ROLE_PERMISSIONS, Permission
from intake.services import ServiceError, exclusions
from intake.services.auth import register_user
from intake.services.identity import open_case_identity
from intake.services.keyring import current_keyring
from intake.services.users import find_user
from tests.support.builders import tip_form
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE
from tests.support.filing import file_and_read_receipt
from tests.support.staff import PASSWORD

NOW = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
# The modules that carry out reveals: who may act there is the permission table's say.
REVEAL_MODULES = (
    "services/reveal.py",
    "services/reveal_lists.py",
    "services/identity.py",
    "services/personal_keys.py",
    "staff/reveals.py",
    "staff/reveal_forms.py",
)


def _user(name: str) -> User:
    user = find_user(db.session, name)
    assert user is not None, name
    return user


def _named_tip(app: Flask) -> str:
    form = tip_form(anonymous="", reporter_name="นางสาวกล้า หาญ", reporter_phone="0812345678")
    reference, _code = file_and_read_receipt(app.test_client(), "/tips/new", form)
    with app.app_context():
        return db.session.scalars(select(Case.id).where(Case.reference == reference)).one()


def _without(monkeypatch: pytest.MonkeyPatch, role: Role, permission: Permission) -> None:
    monkeypatch.setitem(ROLE_PERMISSIONS, role, ROLE_PERMISSIONS[role] - {permission})


def _roles_with(permission: Permission) -> list[Role]:
    return [role for role, granted in ROLE_PERMISSIONS.items() if permission in granted]


def test_the_table_gives_the_identity_key_to_custodians_and_exclusion_to_legal() -> None:
    assert _roles_with(Permission.IDENTITY_KEY) == [Role.CUSTODIAN]
    assert _roles_with(Permission.TIPS_EXCLUDE) == [Role.LEGAL]


def test_opening_an_identity_takes_the_identity_key_permission(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a named tip and the custodian who holds the identity key
    case_id = _named_tip(app)
    with app.app_context():
        custodian, case = _user(CUSTODIAN), db.session.get(Case, case_id)
        assert case is not None
        opened = open_case_identity(
            db.session, current_keyring(), custodian, CUSTODIAN_PASSPHRASE, case, NOW
        )
        assert opened["name"] == "นางสาวกล้า หาญ"

        # When the table no longer lets custodians hold the key
        _without(monkeypatch, Role.CUSTODIAN, Permission.IDENTITY_KEY)

        # Then the same passphrase opens nothing
        with pytest.raises(ServiceError) as refused:
            open_case_identity(
                db.session, current_keyring(), custodian, CUSTODIAN_PASSPHRASE, case, NOW
            )
        assert refused.value.code == "not_custodian"


def test_excluding_staff_from_a_tip_takes_the_exclude_permission(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a legal lead and a tip they may see
    case_id = _named_tip(app)
    with app.app_context():
        created = register_user(
            db.session, current_keyring(), "lead1", "lead1", Role.LEGAL, PASSWORD, "Test"
        )
        created.user.is_lead = True
        db.session.commit()
        lead, case = _user("lead1"), db.session.get(Case, case_id)
        assert case is not None
        assert exclusions.may_exclude(lead, case)

        # When the table no longer lets legal officers exclude
        _without(monkeypatch, Role.LEGAL, Permission.TIPS_EXCLUDE)

        # Then not even a lead may
        assert not exclusions.may_exclude(lead, case)


def _role_comparisons(path: Path) -> list[str]:
    """``x.role is Role.LEGAL``, ``role == Role.CUSTODIAN``, ``role in {Role.…}``: a role
    checked by name instead of by permission."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        for part in ast.walk(node):
            if (
                isinstance(part, ast.Attribute)
                and isinstance(part.value, ast.Name)
                and part.value.id == "Role"
            ):
                found.append(f"{path.name}:{node.lineno} Role.{part.attr}")
    return found


def test_the_reveal_code_checks_permissions_never_role_names() -> None:
    package = Path(intake.__file__).parent
    checked = [package / name for name in REVEAL_MODULES]
    assert all(path.exists() for path in checked)
    assert [line for path in checked for line in _role_comparisons(path)] == []
