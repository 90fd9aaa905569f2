"""Daily reminders of the 15-day rule: one digest per person and kind per Bangkok day.

- due soon: to the people who must answer — the officers of the assigned department, or
  before assignment the complaint centre (complaints) or the legal officers (tips);
- overdue: to the leads — the assigned department's head, and the complaint centre's or
  the legal unit's lead.
Mails carry references and dates only, never what a case is about.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from intake import crypto, deadlines, mail, thaidate
from intake.models import Case, CaseKind, Organisation, ReminderSent, Role, User
from intake.services import DbSession, audit, organisations
from intake.services.audit import ACTOR_SYSTEM
from intake.services.settings import get_organisation
from intake.services.visibility import excluded_user_ids
from intake.workflow import OPEN

DUE_SOON = "due_soon"
OVERDUE = "overdue"


@dataclass
class Digest:
    user: User
    kind: str
    cases: list[Case] = field(default_factory=list)


def _staff(session: DbSession) -> list[User]:
    return list(session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)))


def _answerers(staff: list[User], case: Case) -> list[User]:
    if case.department_id is not None and case.kind is CaseKind.COMPLAINT:
        return [
            u for u in staff if u.role is Role.DEPARTMENT and u.department_id == case.department_id
        ]
    role = Role.LEGAL if case.kind is CaseKind.TIP else Role.INTAKE
    return [u for u in staff if u.role is role]


def _leads(staff: list[User], case: Case) -> list[User]:
    role = Role.LEGAL if case.kind is CaseKind.TIP else Role.INTAKE
    leads = [u for u in staff if u.is_lead and u.role is role]
    if case.department_id is not None and case.kind is CaseKind.COMPLAINT:
        leads += [
            u
            for u in staff
            if u.is_lead and u.role is Role.DEPARTMENT and u.department_id == case.department_id
        ]
    return leads


def plan(session: DbSession, now: datetime) -> list[Digest]:
    """Who gets which digest today; leaves out what was already sent today."""
    organisation = get_organisation(session)
    soon = deadlines.due_soon_limit(now, organisation.due_soon_days)
    cases = session.scalars(
        select(Case)
        .where(Case.status.in_(list(OPEN)), Case.due_at <= soon)
        .order_by(Case.due_at)
        .options(selectinload(Case.exclusions))
    )
    staff = _staff(session)
    today = thaidate.local_date(now)
    already = {
        (r.user_id, r.kind)
        for r in session.scalars(select(ReminderSent).where(ReminderSent.day == today))
    }
    digests: dict[tuple[int, str], Digest] = {}
    for case in cases:
        kind = OVERDUE if case.due_at < now else DUE_SOON
        people = _leads(staff, case) if kind == OVERDUE else _answerers(staff, case)
        hidden = excluded_user_ids(case, people)  # not even its reference
        for user in people:
            if (user.id, kind) in already or user.id in hidden:
                continue
            digests.setdefault((user.id, kind), Digest(user, kind)).cases.append(case)
    return list(digests.values())


def _bangkok_date(moment: datetime) -> str:
    return thaidate.format_date(thaidate.local_date(moment))


def _mail_text(digest: Digest, base_url: str, now: datetime) -> tuple[str, str]:
    with force_locale("th"):
        if digest.kind == OVERDUE:
            subject = _("เรื่องเกินกำหนดตอบ %(count)d เรื่อง", count=len(digest.cases))
            intro = _("เรื่องต่อไปนี้เกินกำหนดแจ้งผลหรือความคืบหน้าแก่ผู้ร้องเรียนแล้ว:")
        else:
            subject = _("เรื่องใกล้ครบกำหนดตอบ %(count)d เรื่อง", count=len(digest.cases))
            intro = _("เรื่องต่อไปนี้ใกล้ครบกำหนดแจ้งผลหรือความคืบหน้าแก่ผู้ร้องเรียน:")
        due_word = _("กำหนด")
        lines = [
            f"- {case.reference} ({due_word} {_bangkok_date(case.due_at)})"
            f" {base_url}/staff/cases/{case.id}"
            for case in digest.cases
        ]
        footer = _("ส่งจากระบบรับเรื่องร้องเรียน อีเมลนี้ไม่มีรายละเอียดของเรื่อง")
    return subject, "\n".join([intro, "", *lines, "", footer, ""])


@dataclass(frozen=True)
class ReminderRun:
    digests: list[Digest]
    queued: int
    without_address: list[str]


def _staff_base_url(session: DbSession, user: User, host_base_url: str) -> str:
    """The links lead to the staff pages of the person's own organisation."""
    organisation = session.get(Organisation, user.organisation_id)
    if organisation is None:
        return host_base_url
    return organisations.base_url(session, organisation, host_base_url)


def send(
    session: DbSession,
    keyring: crypto.Keyring,
    digests: list[Digest],
    base_url: str,
    now: datetime,
) -> ReminderRun:
    """Queue the digests and remember them, in one transaction."""
    today = thaidate.local_date(now)
    queued = 0
    without: list[str] = []
    by_user: dict[int, list[Digest]] = defaultdict(list)
    for digest in digests:
        by_user[digest.user.id].append(digest)
        session.add(
            ReminderSent(
                user_id=digest.user.id,
                kind=digest.kind,
                day=today,
                cases=len(digest.cases),
                created_at=now,
            )
        )
        if not digest.user.email:
            without.append(digest.user.username)
            continue
        subject, body = _mail_text(digest, _staff_base_url(session, digest.user, base_url), now)
        mail.queue(
            session, keyring, f"reminder.{digest.kind}", digest.user.email, subject, body, now
        )
        queued += 1
    session.commit()
    return ReminderRun(digests, queued, sorted(set(without)))


def record_run(
    session: DbSession,
    keyring: crypto.Keyring,
    run: ReminderRun,
    delivery: mail.Delivery,
    now: datetime,
) -> None:
    """Note the daily run in the audit log: `intake check` reads when it last happened."""
    audit.record(
        session,
        keyring,
        "reminders.run",
        actor=ACTOR_SYSTEM,
        now=now,
        detail=f"digests={len(run.digests)} sent={delivery.sent} waiting={delivery.waiting}",
    )
    session.commit()
