"""A reveal needs a reason, a second person with the passphrase, and leaves a trail; what
it hands over opens only with the requester's own password."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from intake.extensions import db
from intake.models import AuditEntry, Case, Notification, RevealRequest, RevealStatus, Role, User
from intake.services import ServiceError
from intake.services.keyring import current_keyring
from intake.services.personal_keys import ensure_personal_key
from intake.services.reveal import (
    approve_reveal,
    expire_reveals,
    refuse_reveal,
    request_reveal,
    revoke_reveal,
    view_identity,
)
from intake.services.users import create_user, find_user
from tests.support.builders import tip_form
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE
from tests.support.filing import file_and_read_receipt

NOW = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
REASON = "ต้องสอบปากคำผู้แจ้งเพื่อยืนยันข้อเท็จจริงตามมาตรา 59"
PASSWORD = "pw"  # the legal officers' sign-in password, which wraps their personal keys


class World:
    """A named tip, two legal officers and the custodian."""

    def __init__(self, app: Flask) -> None:
        client = app.test_client()
        _, self.code = file_and_read_receipt(
            client, "/tips/new", tip_form(anonymous="", reporter_name="นายผู้แจ้ง กล้าหาญ")
        )
        self.client = client
        with app.app_context():
            self.case_id = db.session.scalars(select(Case.id)).one()
            for username in ("legal1", "legal2"):
                officer = create_user(db.session, username, username, Role.LEGAL, PASSWORD)
                # as their first sign-in does, with the password in hand
                ensure_personal_key(db.session, current_keyring(), officer, PASSWORD, NOW)
            db.session.commit()

    @staticmethod
    def user(name: str) -> User:
        user = find_user(db.session, name)
        assert user is not None
        return user


@pytest.fixture
def world(app: Flask) -> World:
    return World(app)


def _ask(world: World, now: datetime = NOW) -> str:
    return request_reveal(
        db.session, current_keyring(), world.user("legal1"), world.case_id, REASON, now
    ).id


def _actions(case_id: str) -> list[str]:
    query = select(AuditEntry.action).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
    return list(db.session.scalars(query))


def test_full_reveal_path_and_its_audit_trail(app: Flask, world: World) -> None:
    with app.app_context():
        keyring = current_keyring()
        request_id = _ask(world)
        custodian = world.user(CUSTODIAN)
        notes = db.session.scalars(select(Notification).where(Notification.user_id == custodian.id))
        assert [n.kind for n in notes] == ["reveal.requested"]

        approve_reveal(db.session, keyring, custodian, CUSTODIAN_PASSPHRASE, request_id, NOW)
        seen = view_identity(
            db.session,
            keyring,
            world.user("legal1"),
            request_id,
            PASSWORD,
            NOW + timedelta(hours=1),
        )
        assert seen.fields == {"name": "นายผู้แจ้ง กล้าหาญ"}
        assert seen.expires_at == NOW + timedelta(days=7)
        assert _actions(world.case_id) == [
            "case.filed",
            "reveal.requested",
            "reveal.approved",
            "identity.viewed",
        ]


@pytest.mark.parametrize("viewer", ["legal2", CUSTODIAN])
def test_only_the_requester_sees_the_identity(app: Flask, world: World, viewer: str) -> None:
    with app.app_context():
        keyring = current_keyring()
        request_id = _ask(world)
        approve_reveal(
            db.session, keyring, world.user(CUSTODIAN), CUSTODIAN_PASSPHRASE, request_id, NOW
        )
        with pytest.raises(ServiceError) as refused:
            view_identity(db.session, keyring, world.user(viewer), request_id, PASSWORD, NOW)
        assert refused.value.code == "not_allowed"
        assert "identity.viewed" not in _actions(world.case_id)


def test_the_requester_cannot_approve_their_own_request(app: Flask, world: World) -> None:
    with app.app_context():
        request_id = _ask(world)
        legal1 = world.user("legal1")
        legal1.role = Role.CUSTODIAN  # even after a change of role
        db.session.commit()
        with pytest.raises(ServiceError) as same:
            approve_reveal(
                db.session, current_keyring(), legal1, CUSTODIAN_PASSPHRASE, request_id, NOW
            )
        assert same.value.code == "same_person"


def test_only_legal_officers_may_ask_and_only_with_a_real_reason(app: Flask, world: World) -> None:
    with app.app_context():
        keyring = current_keyring()
        intake_officer = create_user(db.session, "officer", "เจ้าหน้าที่", Role.INTAKE, "pw")
        with pytest.raises(ServiceError) as role:
            request_reveal(db.session, keyring, intake_officer, world.case_id, REASON, NOW)
        assert role.value.code == "not_allowed"
        with pytest.raises(ServiceError) as short:
            request_reveal(db.session, keyring, world.user("legal1"), world.case_id, "ดูหน่อย", NOW)
        assert short.value.code == "reason_too_short"
        _ask(world)
        with pytest.raises(ServiceError) as twice:
            _ask(world)
        assert twice.value.code == "already_pending"


def test_a_wrong_passphrase_changes_nothing(app: Flask, world: World) -> None:
    with app.app_context():
        request_id = _ask(world)
        with pytest.raises(ServiceError) as wrong:
            approve_reveal(
                db.session,
                current_keyring(),
                world.user(CUSTODIAN),
                "wrong passphrase entirely",
                request_id,
                NOW,
            )
        assert wrong.value.code == "wrong_passphrase"
        db.session.rollback()
        request = db.session.get(RevealRequest, request_id)
        assert request is not None
        assert request.status is RevealStatus.PENDING and request.revealed_sealed is None


def test_a_refused_request_shows_nothing(app: Flask, world: World) -> None:
    with app.app_context():
        keyring = current_keyring()
        request_id = _ask(world)
        refuse_reveal(
            db.session,
            keyring,
            world.user(CUSTODIAN),
            request_id,
            "เหตุผลไม่เพียงพอตามระเบียบ ให้สอบพยานอื่นก่อน",
            NOW,
        )
        with pytest.raises(ServiceError) as refused:
            view_identity(db.session, keyring, world.user("legal1"), request_id, PASSWORD, NOW)
        assert refused.value.code == "not_running"
        assert _actions(world.case_id)[-1] == "reveal.refused"


def test_an_expired_grant_is_wiped_and_shows_nothing(app: Flask, world: World) -> None:
    with app.app_context():
        keyring = current_keyring()
        request_id = _ask(world)
        approve_reveal(
            db.session, keyring, world.user(CUSTODIAN), CUSTODIAN_PASSPHRASE, request_id, NOW
        )
        later = NOW + timedelta(days=7, seconds=1)
        with pytest.raises(ServiceError) as expired:
            view_identity(db.session, keyring, world.user("legal1"), request_id, PASSWORD, later)
        assert expired.value.code == "not_running"
        request = db.session.get(RevealRequest, request_id)
        assert request is not None
        assert request.status is RevealStatus.EXPIRED and request.revealed_sealed is None
        assert _actions(world.case_id)[-1] == "reveal.expired"


def test_expiry_sweep_and_early_revocation_wipe_the_identity(app: Flask, world: World) -> None:
    with app.app_context():
        keyring = current_keyring()
        custodian = world.user(CUSTODIAN)
        first = _ask(world)
        approve_reveal(db.session, keyring, custodian, CUSTODIAN_PASSPHRASE, first, NOW)
        assert expire_reveals(db.session, keyring, NOW + timedelta(days=6)) == 0
        assert expire_reveals(db.session, keyring, NOW + timedelta(days=8)) == 1

        second = request_reveal(
            db.session, keyring, world.user("legal2"), world.case_id, REASON, NOW
        ).id
        approve_reveal(db.session, keyring, custodian, CUSTODIAN_PASSPHRASE, second, NOW)
        revoke_reveal(db.session, keyring, custodian, second, NOW + timedelta(hours=2))
        request = db.session.get(RevealRequest, second)
        assert request is not None
        assert request.status is RevealStatus.REVOKED and request.revealed_sealed is None
        with pytest.raises(ServiceError):
            view_identity(db.session, keyring, world.user("legal2"), second, PASSWORD, NOW)


def _status_page(world: World) -> str:
    return world.client.post("/track", data={"code": world.code}).get_data(as_text=True)


def test_the_tipster_is_told_after_an_approval_unless_turned_off(app: Flask, world: World) -> None:
    assert 'id="identity-disclosed"' not in _status_page(world)
    with app.app_context():
        request_id = _ask(world)
        assert 'id="identity-disclosed"' not in _status_page(world)
        approve_reveal(
            db.session,
            current_keyring(),
            world.user(CUSTODIAN),
            CUSTODIAN_PASSPHRASE,
            request_id,
            NOW,
        )
    assert 'id="identity-disclosed"' in _status_page(world)
    with app.app_context():
        from intake.services.settings import get_organisation

        get_organisation(db.session).tell_tipster_of_reveal = False
        db.session.commit()
    assert 'id="identity-disclosed"' not in _status_page(world)


def test_no_custodian_means_no_reveal(app: Flask, world: World) -> None:
    with app.app_context():
        keyring = current_keyring()
        request_id = _ask(world)
        custodian = world.user(CUSTODIAN)
        custodian.active = False
        db.session.commit()
        with pytest.raises(ServiceError):
            approve_reveal(db.session, keyring, custodian, CUSTODIAN_PASSPHRASE, request_id, NOW)
