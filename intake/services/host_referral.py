"""Referring a case to another organisation on the same host (the complaint is about a
provincial road, not the subdistrict's): the receiver gets a new case with the contents,
the conversation and the files, under its own reference, clock and keys; the sender's case
closes as referred. Both sides are audited in the one transaction that moves it.

- A complaint, and a tip without an identity, move at once.
- A tip with a sealed identity waits (``HostReferralStatus.PENDING``, listed to the
  sender's custodians like a reveal request) until one of the sender's custodians gives
  their passphrase: the identity is opened with the sender's identity key, in memory,
  and sealed to the receiver's identity key in the same call; never written or logged
  in the clear.
- What the sender keeps: a complaint's record whole (the sender received it, answered
  its complainant until then and must account for it in its own reports and retention);
  of a tip, nothing readable: its contents, files, identity and any running reveal are
  wiped in the same transaction (a tip's contents can point at the tipster, and the
  receiver now holds them).
- The tracking code: ``intake.services.host_referral_tracking``.

Statistics need nothing of their own: the sender's case counts as received and referred
there, the receiver's as received (channel "another agency") there.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update

from intake import crypto, workflow
from intake.database import forget_freed_pages
from intake.models import (
    Case,
    CaseKind,
    HostReferral,
    HostReferralStatus,
    Notification,
    Organisation,
    User,
    new_id,
)
from intake.models.organisation import OrganisationStatus
from intake.organisation_scope import current_organisation_id, host_wide
from intake.permissions import Permission, has_permission
from intake.problems import Problem
from intake.services import DbSession, ServiceError, directory
from intake.services.audit import ACTOR_SYSTEM, actor_label, record
from intake.services.case_work import (
    available_actions,
    close,
    locked_case,
    move,
    required_text,
    working,
)
from intake.services.filing import undone_on_failure
from intake.services.host_referral_copy import (
    copy_into_receiver,
    open_case,
    receiver_can_seal,
    unfindable_digest,
    working_for_receiver,
)
from intake.services.identity import custodians, identity_private_key
from intake.services.keyring import keyring_for
from intake.services.notices import notify_complainant
from intake.services.retention import _purge_contents, _purge_identity
from intake.services.visibility import excluded_user_ids, is_excluded
from intake.workflow import Action, Status

# ``Case.referred_to`` of a case referred on the host (the others name an outside body).
ON_HOST = "host"
NOTIFICATION_KIND = "referral.pending"


def receivers(session: DbSession, text: str) -> list[Organisation]:
    """Active organisations found by the directory's search, but the one working."""
    here = current_organisation_id(session)
    found = directory.search(session, text, "").organisations
    return [organisation for organisation in found if organisation.id != here]


def _receiver(session: DbSession, organisation_id: int | None) -> Organisation:
    if organisation_id is None:
        raise ServiceError(Problem.RECEIVER_REQUIRED)
    receiver = session.scalars(
        host_wide(select(Organisation).where(Organisation.id == organisation_id))
    ).first()
    if receiver is None:
        raise ServiceError(Problem.RECEIVER_REQUIRED)
    if receiver.id == current_organisation_id(session):
        raise ServiceError(Problem.RECEIVER_SAME)
    if receiver.status is not OrganisationStatus.ACTIVE:
        raise ServiceError(Problem.RECEIVER_SUSPENDED)
    return receiver


def _pending(session: DbSession, case_id: str) -> HostReferral | None:
    query = select(HostReferral).where(
        HostReferral.case_id == case_id, HostReferral.status == HostReferralStatus.PENDING
    )
    return session.scalars(query).first()


def pending_for_case(session: DbSession, case_id: str) -> HostReferral | None:
    """The referral of this case still waiting for a custodian, if any (the case page)."""
    return _pending(session, case_id)


def may_refer(actor: User, case: Case) -> bool:
    """Whether the case page offers this person the referral on the host."""
    return has_permission(
        actor.role, Permission.CASES_REFER_ON_HOST
    ) and Action.REFER in available_actions(actor, case)


def refer(
    session: DbSession,
    actor: User,
    case_id: str,
    *,
    to_organisation_id: int | None,
    reason: str,
    uploads: Path,
    now: datetime,
) -> HostReferral:
    """Refer the case to another organisation on the host with a public reason. Moves it
    at once, or (a tip with an identity) leaves it waiting for a custodian.

    Errors: ``not_found``, ``forbidden``, ``not_allowed_move``, ``receiver_required``,
    ``receiver_same``, ``receiver_suspended``, ``receiver_cannot_seal``,
    ``reason_required``, ``text_too_long``, ``already_pending``, ``file_missing``,
    ``storage_unavailable``."""
    keyring = keyring_for(current_organisation_id(session))
    with working(session, actor, case_id, Action.REFER) as case:
        if not has_permission(actor.role, Permission.CASES_REFER_ON_HOST):
            raise ServiceError(Problem.FORBIDDEN)
        if not workflow.may_refer_on_host(case.status):
            raise ServiceError(Problem.NOT_ALLOWED_MOVE)
        receiver = _receiver(session, to_organisation_id)
        reason = required_text(reason, Problem.REASON_REQUIRED)
        if _pending(session, case.id) is not None:
            raise ServiceError(Problem.ALREADY_PENDING)
        referral = HostReferral(
            id=new_id(),
            case_id=case.id,
            to_organisation_id=receiver.id,
            requested_by_id=actor.id,
            requested_at=now,
        )
        referral.reason_enc = crypto.encrypt_field(
            keyring, reason, table="host_referrals", column="reason", row_id=referral.id
        )
        session.add(referral)
        if case.identity_sealed is None:
            _transfer(session, keyring, actor, case, referral, None, uploads, now)
            return referral
        with working_for_receiver(session, receiver.id):
            if not receiver_can_seal(session):
                raise ServiceError(Problem.RECEIVER_CANNOT_SEAL)
        _ask_custodians(session, case, referral, now)
        detail = f"referral {referral.id} to {receiver.slug}; waits for a custodian"
        record(
            session,
            keyring,
            "case.host_referral_requested",
            actor=actor_label(actor),
            now=now,
            case_id=case.id,
            detail=detail,
        )
        session.commit()
        return referral


def _ask_custodians(session: DbSession, case: Case, referral: HostReferral, now: datetime) -> None:
    deciders = custodians(session)
    excluded = excluded_user_ids(case, deciders)
    for custodian in deciders:
        if custodian.id not in excluded:
            session.add(
                Notification(
                    user_id=custodian.id, kind=NOTIFICATION_KIND, case_id=case.id, created_at=now
                )
            )


def waiting(session: DbSession, custodian: User) -> list[HostReferral]:
    """The referrals waiting for this custodian (none of a tip hidden from them)."""
    if not has_permission(custodian.role, Permission.REVEAL_DECIDE):
        return []
    query = select(HostReferral).where(HostReferral.status == HostReferralStatus.PENDING)
    found = session.scalars(query.order_by(HostReferral.requested_at))
    return [referral for referral in found if not is_excluded(custodian, referral.case)]


def receiver_of(session: DbSession, referral: HostReferral) -> Organisation | None:
    query = select(Organisation).where(Organisation.id == referral.to_organisation_id)
    return session.scalars(host_wide(query)).first()


def reason_of(session: DbSession, referral: HostReferral) -> str:
    keyring = keyring_for(current_organisation_id(session))
    return crypto.decrypt_text(
        keyring, referral.reason_enc, table="host_referrals", column="reason", row_id=referral.id
    )


def move_identity(
    session: DbSession,
    custodian: User,
    passphrase: str,
    referral_id: str,
    *,
    uploads: Path,
    now: datetime,
) -> HostReferral:
    """A custodian of the sender opens the tip's identity with their passphrase and the
    referral goes through: the identity sealed to the receiver's key, the sender's copy
    erased. A case that can no longer be referred (closed meanwhile) drops the referral.

    Errors: ``not_allowed``, ``not_found``, ``not_pending``, ``not_custodian``,
    ``wrong_passphrase``, ``passphrase_locked``, ``not_allowed_move``,
    ``receiver_suspended``, ``receiver_cannot_seal``, ``file_missing``."""
    keyring = keyring_for(current_organisation_id(session))
    try:
        if not custodian.active or not has_permission(custodian.role, Permission.REVEAL_DECIDE):
            raise ServiceError(Problem.NOT_ALLOWED)
        referral = session.get(HostReferral, referral_id, with_for_update=True)
        case = locked_case(session, referral.case_id) if referral is not None else None
        if referral is None or case is None or is_excluded(custodian, case):
            raise ServiceError(Problem.NOT_FOUND)
        if referral.status is not HostReferralStatus.PENDING:
            raise ServiceError(Problem.NOT_PENDING)
        if not workflow.may_refer_on_host(case.status) or case.identity_sealed is None:
            _drop(session, keyring, custodian, referral, now)
            raise ServiceError(Problem.NOT_ALLOWED_MOVE)
        _receiver(session, referral.to_organisation_id)
        private = identity_private_key(
            session, keyring, custodian, passphrase, case.identity_key_id or 0, now
        )
        identity = crypto.open_identity(private, case.identity_sealed, case_id=case.id)
        requester = (
            session.get(User, referral.requested_by_id) if referral.requested_by_id else None
        )
        _transfer(
            session,
            keyring,
            requester or custodian,
            case,
            referral,
            identity,
            uploads,
            now,
            custodian,
        )
        del identity, private
    except ServiceError:
        session.rollback()
        raise
    return referral


def _drop(
    session: DbSession, keyring: crypto.Keyring, actor: User, referral: HostReferral, now: datetime
) -> None:
    """The case moved on before the custodian acted: the referral ends, and says so."""
    referral.status = HostReferralStatus.CANCELLED
    referral.done_at = now
    referral.done_by_id = actor.id
    record(
        session,
        keyring,
        "case.host_referral_cancelled",
        actor=actor_label(actor),
        now=now,
        case_id=referral.case_id,
        detail=f"referral {referral.id}",
    )
    session.commit()


def _transfer(
    session: DbSession,
    keyring: crypto.Keyring,
    actor: User,
    case: Case,
    referral: HostReferral,
    identity: str | None,
    uploads: Path,
    now: datetime,
    custodian: User | None = None,
) -> None:
    """The move itself, in one transaction: the receiver's case, the sender's closure,
    the forwarding of the code, the wipe of a tip's copy, both audits."""
    sender_id = current_organisation_id(session)
    receiver = _receiver(session, referral.to_organisation_id)
    reason = reason_of(session, referral)
    opened = open_case(keyring, uploads, case)
    written: list[Path] = []
    stored: list[str] = []
    with undone_on_failure(session, written):
        with working_for_receiver(session, receiver.id):
            receiver_keys = keyring_for(receiver.id)
            received = copy_into_receiver(
                session,
                receiver_keys,
                uploads,
                case,
                opened,
                identity=identity,
                reason=reason,
                sender_id=sender_id,
                now=now,
                written=written,
            )
            notify_complainant(session, receiver_keys, received, now)
            record(
                session,
                receiver_keys,
                "case.host_received",
                actor=ACTOR_SYSTEM,
                now=now,
                case_id=received.id,
                detail=f"referral {referral.id}",
            )
            session.flush()  # the receiver's rows are stamped as the receiver's
        detail = move(keyring, case, actor, Status.REFERRED, now, reason)
        close(case, now)
        case.referred_to, case.referred_to_name = ON_HOST, receiver.name_th
        case.referred_to_organisation_id = receiver.id
        _forward(session, keyring, case, referral, received)
        if case.kind is CaseKind.TIP:
            stored = _purge_contents(session, keyring, case, now)
            _purge_identity(session, keyring, case, now)
        referral.status = HostReferralStatus.DONE
        referral.done_at = now
        referral.done_by_id = (custodian or actor).id
        referral.new_case_id = received.id
        record(
            session,
            keyring,
            "case.host_referred",
            actor=actor_label(custodian or actor),
            now=now,
            case_id=case.id,
            detail=f"{detail}; referral {referral.id} to {receiver.slug}",
        )
        session.commit()
    # After the commit: a file may outlive its row (encrypted, unnamed), never the reverse.
    for name in stored:
        (uploads / name).unlink(missing_ok=True)
    if stored or identity is not None:
        forget_freed_pages(session)


def _forward(
    session: DbSession, keyring: crypto.Keyring, case: Case, referral: HostReferral, received: Case
) -> None:
    """The code now leads to the receiver's case: the sender's digest moves onto the
    referral and the sender's case gets one nobody's code matches. Referrals that led to
    this case (it was itself received by referral) lead on to the new one."""
    referral.tracking_digest = case.tracking_digest
    case.tracking_digest = unfindable_digest(keyring)
    session.execute(
        host_wide(
            update(HostReferral)
            .where(HostReferral.new_case_id == case.id)
            .values(
                new_case_id=received.id,
                to_organisation_id=received.organisation_id,
                claimed_at=None,
            )
            .execution_options(synchronize_session=False)
        )
    )
