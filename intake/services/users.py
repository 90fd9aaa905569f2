"""Staff accounts: the minimum the identity scheme needs (sign-in arrives later)."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from intake.models import Role, User
from intake.problems import Problem
from intake.services import DbSession, ServiceError

# werkzeug's scrypt (n=2^15, r=8, p=1). The test suite lowers it for speed.
PASSWORD_METHOD = "scrypt"  # noqa: S105 (a hashing method, not a password)
# Stored instead of a hash while a person has not set their own password (an account
# waiting for its enrolment link): no password matches it.
UNUSABLE_PASSWORD = "!"  # noqa: S105 (a marker, not a password)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


def has_usable_password(user: User) -> bool:
    return user.password_hash != UNUSABLE_PASSWORD


def create_user(
    session: DbSession,
    username: str,
    display_name: str,
    role: Role,
    password: str | None,
    department_id: int | None = None,
) -> User:
    """Add a staff account (not committed: the caller owns the transaction).

    With ``password=None`` the account has no usable password until its person enrols."""
    if session.scalars(select(User).where(User.username == username)).first() is not None:
        raise ServiceError(Problem.USERNAME_TAKEN)
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        password_hash=UNUSABLE_PASSWORD if password is None else hash_password(password),
        department_id=department_id,
    )
    session.add(user)
    session.flush()
    return user


def find_user(session: DbSession, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).first()
