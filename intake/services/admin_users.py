"""Administration of staff accounts: create, change role, disable, issue enrolment links.

Administrators manage people, never cases: nothing here reads a case. The rules that keep
the system usable live here: an administrator cannot disable or demote themselves (so at
least one administrator always remains), and a custodian who holds the identity key
cannot be turned into another role or disabled while they are the last one who can open
identities (``flask intake custodian-remove`` comes first).

An administrator never sets a password nor sees a two-factor secret: a new account, and
a "reset", get a one-time enrolment link (``services.enrolment``) that the person uses.

Issuing a link, disabling someone, or giving them a role that may not ask for reveals
deletes their personal key (``services.personal_keys``), and so ends every reveal handed
to them: whoever signs in next with a new credential must not find one waiting.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from intake import crypto
from intake.database import forget_freed_pages
from intake.models import Department, Role, User
from intake.permissions import Permission, has_permission
from intake.problems import Problem
from intake.services import DbSession, ServiceError, enrolment, sign_in_throttle
from intake.services.audit import actor_label, record
from intake.services.identity import custodians
from intake.services.personal_keys import may_hold, withdraw_personal_key
from intake.services.staff_sessions import end_all_sessions
from intake.services.users import find_user

USERNAME_PATTERN = re.compile(r"[a-z0-9._-]{3,80}")


def list_users(session: DbSession) -> list[User]:
    query = select(User).options(selectinload(User.department)).order_by(User.username)
    return list(session.scalars(query))


def get_user(session: DbSession, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise ServiceError(Problem.NOT_FOUND)
    return user


def holds_identity_key(session: DbSession, user: User) -> bool:
    """Whether the user can open identities (a custodian enrolled with `custodian-add`)."""
    return any(custodian.id == user.id for custodian in custodians(session))


def _check_department(session: DbSession, role: Role, department_id: int | None) -> int | None:
    """The department to store: required for department officers, dropped for others."""
    if role is not Role.DEPARTMENT:
        return None
    if department_id is None:
        raise ServiceError(Problem.DEPARTMENT_REQUIRED)
    department = session.get(Department, department_id)
    if department is None or not department.active:
        raise ServiceError(Problem.DEPARTMENT_REQUIRED)
    return department_id


def create_user(
    session: DbSession,
    keyring: crypto.Keyring,
    admin: User,
    *,
    username: str,
    display_name: str,
    role: Role,
    department_id: int | None,
    now: datetime,
    email: str = "",
    is_lead: bool = False,
    excluded_from_executive_tips: bool = False,
) -> enrolment.IssuedLink:
    """A new account without password or two-factor, and its enrolment link; commits."""
    if USERNAME_PATTERN.fullmatch(username) is None:
        raise ServiceError(Problem.BAD_USERNAME)
    if find_user(session, username) is not None:
        raise ServiceError(Problem.USERNAME_TAKEN)
    department_id = _check_department(session, role, department_id)
    record(
        session,
        keyring,
        "admin.user_created",
        actor=actor_label(admin),
        now=now,
        detail=f"{username} role={role.value}",
    )
    try:
        issued = enrolment.create_account(
            session,
            keyring,
            username=username,
            display_name=display_name,
            role=role,
            department_id=department_id,
            actor=actor_label(admin),
            now=now,
        )
    except ServiceError:
        session.rollback()
        raise
    issued.user.email, issued.user.is_lead = email, is_lead
    issued.user.excluded_from_executive_tips = excluded_from_executive_tips
    session.commit()
    return issued


def _someone_handles_executive_tips(session: DbSession) -> bool:
    """Tips naming the executive must stay visible to at least one active legal officer
    (flushed changes included), or nobody inside would ever handle them."""
    session.flush()
    query = select(User.id).where(
        User.role == Role.LEGAL,
        User.active.is_(True),
        User.excluded_from_executive_tips.is_(False),
    )
    return session.scalars(query).first() is not None


def change_role(
    session: DbSession,
    keyring: crypto.Keyring,
    admin: User,
    user_id: int,
    *,
    role: Role,
    department_id: int | None,
    now: datetime,
    email: str | None = None,
    is_lead: bool | None = None,
    excluded_from_executive_tips: bool | None = None,
) -> User:
    user = get_user(session, user_id)
    if user.id == admin.id and role is not user.role:
        raise ServiceError(Problem.OWN_ACCOUNT)
    if not has_permission(role, Permission.IDENTITY_KEY) and holds_identity_key(session, user):
        raise ServiceError(Problem.HOLDS_IDENTITY_KEY)
    department_id = _check_department(session, role, department_id)
    email = user.email if email is None else email
    is_lead = user.is_lead if is_lead is None else is_lead
    steps_aside = (
        user.excluded_from_executive_tips
        if excluded_from_executive_tips is None
        else excluded_from_executive_tips
    )
    unchanged = (role, department_id, email, is_lead, steps_aside) == (
        user.role,
        user.department_id,
        user.email,
        user.is_lead,
        user.excluded_from_executive_tips,
    )
    if unchanged:
        return user  # nothing changed, nothing to audit
    user.role = role
    user.department_id = department_id
    was_aside = user.excluded_from_executive_tips
    newly_aside = steps_aside and not was_aside
    user.email, user.is_lead = email, is_lead
    user.excluded_from_executive_tips = steps_aside
    if newly_aside and not _someone_handles_executive_tips(session):
        raise ServiceError(Problem.NO_EXECUTIVE_TIP_HANDLER)
    detail = f"user:{user.id} role={role.value} lead={int(is_lead)}"
    if steps_aside or was_aside:  # said when it is on, or has just been turned off
        detail += f" executive_tips_excluded={int(steps_aside)}"
    if department_id is not None:
        detail += f" department={department_id}"
    record(session, keyring, "admin.user_changed", actor=actor_label(admin), now=now, detail=detail)
    wiped = 0 if may_hold(user) else _withdraw(session, keyring, admin, user, now)
    session.commit()
    if wiped:
        forget_freed_pages(session)
    return user


def _withdraw(
    session: DbSession, keyring: crypto.Keyring, admin: User, user: User, now: datetime
) -> int:
    return withdraw_personal_key(session, keyring, user, actor=actor_label(admin), now=now)


def set_active(
    session: DbSession,
    keyring: crypto.Keyring,
    admin: User,
    user_id: int,
    *,
    active: bool,
    now: datetime,
) -> User:
    """Disabling signs the user out everywhere at once; enabling also lifts a lockout."""
    user = get_user(session, user_id)
    if user.id == admin.id:
        raise ServiceError(Problem.OWN_ACCOUNT)
    if user.active == active:
        return user
    if active:
        user.active = True
        sign_in_throttle.lift(session, user)
        action = "admin.user_enabled"
    else:
        keyholders = custodians(session)
        if [c.id for c in keyholders] == [user.id]:
            raise ServiceError(Problem.LAST_CUSTODIAN)
        user.active = False
        action = "admin.user_disabled"
    end_all_sessions(session, user, now)
    record(session, keyring, action, actor=actor_label(admin), now=now, detail=f"user:{user.id}")
    wiped = 0 if active else _withdraw(session, keyring, admin, user, now)
    session.commit()
    if wiped:
        forget_freed_pages(session)
    return user


def issue_enrolment_link(
    session: DbSession, keyring: crypto.Keyring, admin: User, user_id: int, *, now: datetime
) -> enrolment.IssuedLink:
    """A fresh enrolment link: the old password, two-factor and link stop working and the
    user is signed out everywhere now."""
    user = get_user(session, user_id)
    if user.id == admin.id:
        raise ServiceError(Problem.OWN_ENROLMENT_LINK)  # it would sign them out before they saw it
    return enrolment.issue_link(session, keyring, user, actor=actor_label(admin), now=now)


def seal_link(keyring: crypto.Keyring, issued: enrolment.IssuedLink) -> str:
    """The link just issued, sealed for the administrator's session until shown once."""
    text = f"{issued.user.id}|{issued.token}|{issued.expires_at.isoformat()}"
    return crypto.seal_token(keyring, text, purpose="enrolment_link")


def open_link(keyring: crypto.Keyring, sealed: str, user: User) -> enrolment.IssuedLink | None:
    """The sealed link if it is ``user``'s; None otherwise (already shown, or another's)."""
    if not sealed:
        return None
    try:
        user_id, token, expires = crypto.open_token(
            keyring, sealed, purpose="enrolment_link"
        ).split("|")
        expires_at = datetime.fromisoformat(expires)
    except (crypto.CryptoError, ValueError):
        return None
    if user_id != str(user.id):
        return None
    return enrolment.IssuedLink(user, token, expires_at)
