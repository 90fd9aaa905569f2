"""A tipster's identity is sealed so that only a custodian's passphrase opens it."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake import crypto
from intake.extensions import db
from intake.models import Case, IdentityKey, IdentityKeyGrant, Role
from intake.services import ServiceError
from intake.services.identity import (
    add_custodian,
    current_identity_key,
    identity_private_key,
    open_case_identity,
    remove_custodian,
    rotate_identity_key,
)
from intake.services.keyring import current_keyring
from intake.services.users import create_user, find_user
from tests.support.builders import VALID_NATIONAL_ID, tip_form
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE, PRODUCTION_SCRYPT_N
from tests.support.filing import file_and_read_receipt

NOW = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
NAMED = {
    "reporter_name": "นางสาวกล้า หาญ",
    "reporter_phone": "0812345678",
    "reporter_national_id": VALID_NATIONAL_ID,
}


def _file_named_tip(client: FlaskClient) -> None:
    file_and_read_receipt(client, "/tips/new", tip_form(anonymous="", **NAMED))


def _the_case() -> Case:
    return db.session.scalars(select(Case)).one()


def test_sealing_round_trips_and_is_bound_to_its_case() -> None:
    pair = crypto.generate_keypair()
    sealed = crypto.seal_identity(pair.public, "สมชาย", case_id="case-1")
    assert crypto.open_identity(pair.private, sealed, case_id="case-1") == "สมชาย"
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_identity(pair.private, sealed, case_id="case-2")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_identity(crypto.generate_keypair().private, sealed, case_id="case-1")


def test_passphrases_are_stretched_with_scrypt_at_production_cost() -> None:
    assert PRODUCTION_SCRYPT_N >= 2**17
    saved = crypto.sealing.SCRYPT_N
    crypto.sealing.SCRYPT_N = PRODUCTION_SCRYPT_N
    try:
        wrapped = crypto.wrap_with_passphrase(b"k" * 32, "a long passphrase", context="c")
    finally:
        crypto.sealing.SCRYPT_N = saved
    assert 2 ** wrapped[1] == PRODUCTION_SCRYPT_N
    assert crypto.unwrap_with_passphrase(wrapped, "a long passphrase", context="c") == b"k" * 32
    with pytest.raises(crypto.WrongPassphrase):
        crypto.unwrap_with_passphrase(wrapped, "a wrong passphrase", context="c")


def test_a_named_tip_is_sealed_and_a_custodian_opens_it(client: FlaskClient, app: Flask) -> None:
    _file_named_tip(client)
    with app.app_context():
        case = _the_case()
        assert case.contact_enc is None
        assert case.identity_sealed is not None
        assert case.identity_key_id == current_identity_key(db.session).id  # type: ignore[union-attr]
        custodian = find_user(db.session, CUSTODIAN)
        assert custodian is not None
        identity = open_case_identity(
            db.session, current_keyring(), custodian, CUSTODIAN_PASSPHRASE, case, datetime.now(UTC)
        )
        assert identity == {
            "name": "นางสาวกล้า หาญ",
            "phone": "0812345678",
            "national_id": VALID_NATIONAL_ID,
        }
        with pytest.raises(ServiceError) as wrong:
            open_case_identity(
                db.session,
                current_keyring(),
                custodian,
                "not the passphrase at all",
                case,
                datetime.now(UTC),
            )
        assert wrong.value.code == "wrong_passphrase"


def _every_key_like_value(app: Flask) -> list[bytes]:
    """Everything the server holds that could be a key: key files, secrets, 32-byte values."""
    keyring = current_keyring()
    candidates = [
        *keyring.content_keys.values(),
        keyring.tracking_pepper,
        keyring.audit_key,
        str(app.config["SECRET_KEY"]).encode(),
    ]
    for path in Path(app.instance_path).rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            candidates.append(raw[:32])
            for token in raw.replace(b'"', b" ").split():
                try:
                    candidates.append(base64.b64decode(token, validate=True))
                except ValueError:
                    pass
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(table.select()):
            for value in row:
                if isinstance(value, bytes):
                    candidates.extend(value[i : i + 32] for i in range(0, len(value) - 31))
    return [c for c in candidates if len(c) == 32]


def test_the_database_and_every_server_key_cannot_open_an_identity(
    client: FlaskClient, app: Flask
) -> None:
    _file_named_tip(client)
    with app.app_context():
        case = _the_case()
        sealed = case.identity_sealed
        assert sealed is not None
        candidates = _every_key_like_value(app)
        assert len(candidates) > 50
        opened = 0
        for candidate in candidates:
            try:
                crypto.open_identity(candidate, sealed, case_id=case.id)
                opened += 1
            except (crypto.DecryptionFailed, ValueError):
                pass
            try:
                AESGCM(candidate).decrypt(sealed[33:45], sealed[45:], None)
                opened += 1
            except Exception:  # noqa: S110 - every failure is the expected outcome
                pass
        assert opened == 0


def test_with_no_identity_key_a_named_tip_is_refused_not_weakened(
    make_app,  # type: ignore[no-untyped-def]
) -> None:
    app = make_app()
    with app.app_context():
        for grant in db.session.scalars(select(IdentityKeyGrant)):
            db.session.delete(grant)
        db.session.flush()
        for key in db.session.scalars(select(IdentityKey)):
            key.retired_at = NOW
        db.session.commit()
    response = app.test_client().post("/tips/new", data=tip_form(anonymous="", **NAMED))
    assert response.status_code == 422
    assert 'id="anonymous-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Case)).first() is None


def test_custodians_can_be_added_and_removed_and_identities_survive(
    client: FlaskClient, app: Flask
) -> None:
    _file_named_tip(client)
    with app.app_context():
        keyring = current_keyring()
        first = find_user(db.session, CUSTODIAN)
        assert first is not None
        second = create_user(db.session, "custodian2", "ผู้ดูแลคนที่สอง", Role.CUSTODIAN, "pw")
        db.session.commit()

        with pytest.raises(ServiceError) as weak:
            add_custodian(db.session, keyring, first, CUSTODIAN_PASSPHRASE, second, "short", NOW)
        assert weak.value.code == "weak_passphrase"
        db.session.rollback()
        add_custodian(
            db.session,
            keyring,
            first,
            CUSTODIAN_PASSPHRASE,
            second,
            "second custodian passphrase",
            NOW,
        )
        case = _the_case()
        assert open_case_identity(
            db.session,
            current_keyring(),
            second,
            "second custodian passphrase",
            case,
            datetime.now(UTC),
        )

        remove_custodian(db.session, keyring, first, "system", NOW)
        with pytest.raises(ServiceError) as gone:
            open_case_identity(
                db.session, current_keyring(), first, CUSTODIAN_PASSPHRASE, case, datetime.now(UTC)
            )
        assert gone.value.code == "not_custodian"
        assert open_case_identity(
            db.session,
            current_keyring(),
            second,
            "second custodian passphrase",
            case,
            datetime.now(UTC),
        )

        with pytest.raises(ServiceError) as last:
            remove_custodian(db.session, keyring, second, "system", NOW)
        assert last.value.code == "last_custodian"


def test_identity_key_rotation_resumes_after_interruption(app: Flask) -> None:
    from intake.models import CaseKind
    from intake.services.filing import FilingInput, file_case

    count = 400
    with app.app_context():
        keyring = current_keyring()
        uploads = Path(app.config["INTAKE_UPLOADS_PATH"])
        for n in range(count):
            data = FilingInput(
                kind=CaseKind.TIP, subject=f"เรื่อง {n}", details="ก", reporter={"name": f"ผู้แจ้ง {n}"}
            )
            file_case(db.session, keyring, uploads, data, NOW)
        custodian = find_user(db.session, CUSTODIAN)
        assert custodian is not None
        old_key = current_identity_key(db.session)
        assert old_key is not None
        old_id = old_key.id

        def interrupt(done: int, total: int) -> None:
            if done >= 100:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            rotate_identity_key(
                db.session,
                keyring,
                custodian,
                CUSTODIAN_PASSPHRASE,
                NOW,
                batch_size=50,
                progress=interrupt,
            )
        db.session.rollback()
        on_old = db.session.scalars(select(Case).where(Case.identity_key_id == old_id)).all()
        assert 0 < len(on_old) < count

        result = rotate_identity_key(
            db.session, keyring, custodian, CUSTODIAN_PASSPHRASE, NOW, batch_size=50
        )
        assert result.started is False
        assert result.retired == [old_id]
        assert db.session.get(IdentityKey, old_id).retired_at is not None  # type: ignore[union-attr]
        assert (
            db.session.scalars(
                select(IdentityKeyGrant).where(IdentityKeyGrant.identity_key_id == old_id)
            ).first()
            is None
        )
        cases = db.session.scalars(select(Case)).all()
        assert {c.identity_key_id for c in cases} == {result.new_key_id}
        private = identity_private_key(
            db.session,
            current_keyring(),
            custodian,
            CUSTODIAN_PASSPHRASE,
            result.new_key_id,
            datetime.now(UTC),
        )
        names = {
            json.loads(crypto.open_identity(private, c.identity_sealed or b"", case_id=c.id))[
                "name"
            ]
            for c in cases
        }
        assert names == {f"ผู้แจ้ง {n}" for n in range(count)}


def test_identity_json_never_reaches_the_content_key(client: FlaskClient, app: Flask) -> None:
    _file_named_tip(client)
    with app.app_context():
        case = _the_case()
        keyring = current_keyring()
        with pytest.raises(crypto.DecryptionFailed):
            crypto.decrypt_field(
                keyring,
                case.identity_sealed or b"",
                table="cases",
                column="identity",
                row_id=case.id,
            )
        assert json.dumps(NAMED["reporter_name"], ensure_ascii=False).encode() not in (
            case.identity_sealed or b""
        )
