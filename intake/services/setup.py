"""First-run setup: the settings row, the first identity custodian, and development's
demo logins. Everything here is idempotent."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from intake import crypto, durable
from intake.models import Department, Organisation, Role, User
from intake.organisation_scope import host_wide
from intake.services import DbSession
from intake.services.auth import reset_two_factor, set_password
from intake.services.organisations import FIRST_SLUG, create_organisation
from intake.services.settings import DEFAULT_ORGANISATION
from intake.services.users import create_user, find_user, has_usable_password

FIRST_CUSTODIAN = "custodian"
FIRST_CUSTODIAN_NAME = "ผู้ดูแลข้อมูลตัวตน"
# Development only: the generated secrets are kept in the instance folder so `make run`
# can show them again. A production instance never writes a password or passphrase.
DEV_PASSPHRASE_FILE = "DEVELOPMENT-custodian-passphrase.txt"  # noqa: S105 (a file name)
DEV_LOGINS_FILE = "DEVELOPMENT-logins.txt"
DEV_USERS = (
    ("intake", Role.INTAKE, "เจ้าหน้าที่รับเรื่อง (ทดลอง)"),
    ("legal", Role.LEGAL, "นิติกร (ทดลอง)"),
    ("department", Role.DEPARTMENT, "เจ้าหน้าที่กองช่าง (ทดลอง)"),
    ("executive", Role.EXECUTIVE, "ผู้บริหาร (ทดลอง)"),
    ("admin", Role.ADMIN, "ผู้ดูแลระบบ (ทดลอง)"),
    ("auditor", Role.AUDITOR, "ผู้ตรวจสอบ (ทดลอง)"),
)
# The department whose officer the demo `department` login is.
DEV_DEPARTMENT = "กองช่าง"


def ensure_organisation(session: DbSession) -> bool:
    """Create the settings row if absent; True when it was created."""
    if session.scalars(host_wide(select(Organisation.id))).first() is not None:
        return False
    create_organisation(session, slug=FIRST_SLUG, **DEFAULT_ORGANISATION)
    session.commit()
    return True


def custodian_account(
    session: DbSession, username: str, display_name: str | None
) -> tuple[User, bool]:
    """The account of a custodian-to-be, and whether it was made just now (with no
    password: its person enrols through a link). An existing account keeps its role:
    the caller refuses one that is not a custodian's."""
    user = find_user(session, username)
    if user is not None:
        return user, False
    return create_user(session, username, display_name or username, Role.CUSTODIAN, None), True


def development_passphrase() -> str:
    """Development only: the first custodian's passphrase, made up."""
    return secrets.token_urlsafe(18)


def save_development_passphrase(instance: Path, passphrase: str) -> None:
    """Development only: kept where `make run` shows it again."""
    durable.replace(instance / DEV_PASSPHRASE_FILE, (passphrase + "\n").encode())


def saved_development_passphrase(instance: Path) -> str | None:
    path = instance / DEV_PASSPHRASE_FILE
    return path.read_text().strip() if path.exists() else None


def ensure_development_users(
    session: DbSession, keyring: crypto.Keyring, instance: Path, now: datetime
) -> str:
    """Development only: one demo account per role and the first custodian, all with one
    password (kept in the instance folder, made on the first run); returns it."""
    saved = instance / DEV_LOGINS_FILE
    if saved.exists():
        password = saved.read_text().strip()
    else:
        password = secrets.token_urlsafe(12)
        durable.replace(saved, (password + "\n").encode())
    public_works = session.scalars(
        select(Department.id).where(Department.name_th == DEV_DEPARTMENT)
    ).first()
    for username, role, display_name in (*DEV_USERS, (FIRST_CUSTODIAN, Role.CUSTODIAN, "")):
        user = find_user(session, username)
        if user is None:
            department_id = public_works if role is Role.DEPARTMENT else None
            user = create_user(session, username, display_name, role, password, department_id)
        if user.totp_secret_enc is None or not has_usable_password(user):
            set_password(session, user, password)
            reset_two_factor(session, keyring, user, now)
    session.commit()
    return password
