"""Limits on guessing a custodian's passphrase, wherever it is asked for (web and CLI).

A passphrase opens identities, so guessing it must be slow and loud: every wrong one is
audited; five in a row refuse further tries for fifteen minutes, twice as long at each
further lockout (up to a day); each lockout is audited and told to the other custodians
and every auditor (a notification, and a mail to those with an address). The right
passphrase clears the count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from intake import crypto, mail, thaidate
from intake.models import CustodianKey, IdentityKeyGrant, Notification, Role, User
from intake.problems import Problem
from intake.services import DbSession, ServiceError
from intake.services.audit import actor_label, record

MAX_FAILURES = 5
FIRST_LOCKOUT = timedelta(minutes=15)
LONGEST_LOCKOUT = timedelta(days=1)
LOCKED_KIND = "custodian.passphrase_locked"


def check_allowed(custodian_key: CustodianKey, now: datetime) -> None:
    """Raises "passphrase_locked" while the custodian's lockout runs (before any scrypt)."""
    locked_until = custodian_key.passphrase_locked_until
    if locked_until is not None and locked_until > now:
        raise ServiceError(Problem.PASSPHRASE_LOCKED)


def record_success(custodian_key: CustodianKey) -> None:
    """The right passphrase: the count starts again (part of the caller's transaction)."""
    if custodian_key.passphrase_failures or custodian_key.passphrase_lockouts:
        custodian_key.passphrase_failures = 0
        custodian_key.passphrase_lockouts = 0


def _lockout_length(lockouts: int) -> timedelta:
    return min(FIRST_LOCKOUT * 2 ** (lockouts - 1), LONGEST_LOCKOUT)


def record_failure(
    session: DbSession, keyring: crypto.Keyring, custodian: User, now: datetime
) -> None:
    """Counts and audits one wrong passphrase, and commits that alone.

    Whatever the caller had pending is rolled back first: nothing of a refused attempt
    may stay, but the count must.
    """
    session.rollback()
    custodian_key = session.get(CustodianKey, custodian.id, with_for_update=True)
    if custodian_key is None:
        return
    custodian_key.passphrase_failures += 1
    label = actor_label(custodian)
    record(
        session,
        keyring,
        "custodian.passphrase_failed",
        actor=label,
        now=now,
        detail=f"failure {custodian_key.passphrase_failures} of {MAX_FAILURES}",
    )
    if custodian_key.passphrase_failures >= MAX_FAILURES:
        custodian_key.passphrase_failures = 0
        custodian_key.passphrase_lockouts += 1
        until = now + _lockout_length(custodian_key.passphrase_lockouts)
        custodian_key.passphrase_locked_until = until
        record(
            session,
            keyring,
            LOCKED_KIND,
            actor=label,
            now=now,
            detail=f"lockout {custodian_key.passphrase_lockouts} until {until.isoformat()}",
        )
        _alert(session, keyring, custodian, until, now)
    session.commit()


def _to_alert(session: DbSession, custodian: User) -> list[User]:
    """The other custodians (holding any grant) and every auditor, active ones only."""
    holders = select(IdentityKeyGrant.user_id)
    query = select(User).where(
        User.active.is_(True),
        User.id != custodian.id,
        (User.role == Role.AUDITOR) | ((User.role == Role.CUSTODIAN) & User.id.in_(holders)),
    )
    return list(session.scalars(query.order_by(User.id)))


def _alert(
    session: DbSession, keyring: crypto.Keyring, custodian: User, until: datetime, now: datetime
) -> None:
    with force_locale("th"):
        subject = _("แจ้งเตือน: มีการใส่รหัสผ่านกุญแจของผู้ดูแลข้อมูลตัวตนผิดซ้ำหลายครั้ง")
        body = _(
            "มีการใส่รหัสผ่านกุญแจ (passphrase) ของผู้ดูแลข้อมูลตัวตน %(name)s ผิด "
            "%(count)d ครั้งติดกัน ระบบระงับการลองใหม่จนถึง %(time)s\n\n"
            "หากไม่ใช่การใช้งานของผู้ดูแลคนนั้นเอง โปรดติดต่อเขาและตรวจสอบบันทึกการตรวจสอบ",
            name=custodian.display_name,
            count=MAX_FAILURES,
            time=thaidate.format_datetime(until, "th"),
        )
    for user in _to_alert(session, custodian):
        session.add(Notification(user_id=user.id, kind=LOCKED_KIND, created_at=now))
        if user.email:
            mail.queue(session, keyring, LOCKED_KIND, user.email, subject, body, now)
