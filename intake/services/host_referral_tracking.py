"""The complainant's tracking code after their case was referred to another organisation
on the host.

Only the complainant knows the code; each organisation keeps only its own keyed digest of
it (its own tracking pepper, once keyrings are per organisation), so the receiver cannot
compute its digest when the case arrives. Therefore:

- at the referral, the sender's digest moves from the sender's case onto the referral
  row (the sender's case gets a digest no code matches), and the receiver's new case gets
  one no code matches either, for now;
- the code typed at the sender's tracking page finds the referral by the sender's digest:
  the page says where the case went (the receiver's name, address and new reference);
- the code typed at the receiver's page, when no case of the receiver has its digest, is
  tried against the referrals into the receiver not yet claimed, one digest per sending
  organisation (a handful of rows): a match gives the receiver's case the receiver's own
  digest of the code (``claimed``), so from then on it is found like any other case.
  Either page claims the case the first time the code is typed at it.

A case referred on again (received by referral, then referred elsewhere) takes its
earlier referrals along: they lead to the newest case, so the first code keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select, update

from intake import crypto
from intake.models import Case, HostReferral, HostReferralStatus, Organisation
from intake.organisation_scope import current_organisation_id, host_wide
from intake.services import DbSession
from intake.services.audit import ACTOR_PUBLIC, record
from intake.services.host_referral_copy import working_for_receiver
from intake.services.keyring import keyring_for


@dataclass(frozen=True)
class Moved:
    """Where a case followed by its code now is: for the sender's tracking page."""

    organisation: Organisation
    reference: str


def _claim(session: DbSession, referral: HostReferral, code: str, now: datetime) -> None:
    """The receiver's case takes the receiver's digest of ``code`` (once)."""
    if referral.claimed_at is not None or referral.new_case_id is None:
        return
    receiver_id = referral.to_organisation_id
    digest = crypto.tracking_digest(keyring_for(receiver_id), code)
    session.execute(
        host_wide(
            update(Case)
            .where(Case.id == referral.new_case_id, Case.organisation_id == receiver_id)
            .values(tracking_digest=digest)
            .execution_options(synchronize_session=False)
        )
    )
    session.execute(
        host_wide(
            update(HostReferral)
            .where(HostReferral.id == referral.id)
            .values(claimed_at=now)
            .execution_options(synchronize_session=False)
        )
    )
    with working_for_receiver(session, receiver_id):
        record(
            session,
            keyring_for(receiver_id),
            "case.tracking_forwarded",
            actor=ACTOR_PUBLIC,
            now=now,
            case_id=referral.new_case_id,
            detail=f"referral {referral.id}",
        )
        session.flush()
    session.commit()


def moved_away(session: DbSession, code: str, now: datetime) -> Moved | None:
    """At the sender: the organisation and reference a case with this (normalised) code
    was referred to, or None."""
    here = current_organisation_id(session)
    digest = crypto.tracking_digest(keyring_for(here), code)
    query = select(HostReferral).where(
        HostReferral.tracking_digest == digest, HostReferral.status == HostReferralStatus.DONE
    )
    referral = session.scalars(query).first()
    if referral is None or referral.new_case_id is None:
        return None
    target = session.execute(
        host_wide(
            select(Organisation, Case.reference)
            .join(Case, Case.organisation_id == Organisation.id)
            .where(Case.id == referral.new_case_id)
        )
    ).first()
    if target is None:
        return None
    organisation, reference = target
    _claim(session, referral, code, now)
    return Moved(organisation, reference)


def claim_here(session: DbSession, code: str, now: datetime) -> Case | None:
    """At the receiver: the case referred here whose sender knew this (normalised) code,
    which from now on is found by it directly; None when there is none."""
    here = current_organisation_id(session)
    unclaimed = (
        HostReferral.to_organisation_id == here,
        HostReferral.status == HostReferralStatus.DONE,
        HostReferral.claimed_at.is_(None),
    )
    senders = session.scalars(
        host_wide(select(HostReferral.organisation_id).where(*unclaimed).distinct())
    )
    # One digest per sending organisation, each under that organisation's pepper.
    matches = [
        and_(
            HostReferral.organisation_id == sender,
            HostReferral.tracking_digest == crypto.tracking_digest(keyring_for(sender), code),
        )
        for sender in senders
    ]
    if not matches:
        return None
    query = select(HostReferral).where(*unclaimed, or_(*matches))
    referral = session.scalars(host_wide(query)).first()
    if referral is None or referral.new_case_id is None:
        return None
    case_id = referral.new_case_id
    _claim(session, referral, code, now)
    return session.get(Case, case_id)
