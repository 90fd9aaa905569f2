"""Each organisation's secrets are its own: content keys, tracking pepper, audit key.

A leaked keyring opens one organisation's contents, and one organisation's keys can be
rotated (or deleted) without touching another's."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from intake import crypto
from intake.extensions import db
from intake.filemodes import loose_storage
from intake.models import Case
from intake.organisation_scope import host_wide
from intake.services import audit, keys
from intake.services.keyring import current_keyring, host_keyring, keyring_for
from intake.tracking import normalize
from tests.support.builders import complaint_form, tip_form
from tests.support.cli import run_intake
from tests.support.filing import file_and_read_receipt
from tests.support.organisations import FIRST, add_organisation, working_for

SECOND = "second"


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retirement normally waits for workers to reload the key file; here nobody is."""
    monkeypatch.setattr(keys, "RETIRE_GRACE_SECONDS", 0)


def _subject_of(app: Flask, organisation_id: int) -> tuple[str, bytes]:
    with app.app_context():
        query = select(Case.id, Case.subject_enc).where(Case.organisation_id == organisation_id)
        case_id, blob = db.session.execute(host_wide(query)).one()
    return case_id, blob


def _two_organisations_with_a_case_each(app: Flask) -> int:
    second = add_organisation(app, SECOND, "เทศบาลตำบลที่สอง")
    client = app.test_client()
    file_and_read_receipt(client, "/o/main/complaints/new", complaint_form())
    file_and_read_receipt(client, f"/o/{SECOND}/tips/new", tip_form())
    return second


def test_an_organisations_ciphertext_opens_only_with_its_own_keys(app: Flask) -> None:
    second = _two_organisations_with_a_case_each(app)
    with app.app_context():
        mine, theirs = keyring_for(FIRST), keyring_for(second)
    # no key is shared
    assert not set(mine.content_keys.values()) & set(theirs.content_keys.values())
    assert mine.tracking_pepper != theirs.tracking_pepper
    assert mine.audit_key != theirs.audit_key
    for organisation_id, own, other in ((FIRST, mine, theirs), (second, theirs, mine)):
        case_id, blob = _subject_of(app, organisation_id)
        binding = {"table": "cases", "column": "subject", "row_id": case_id}
        assert crypto.decrypt_text(own, blob, **binding)
        with pytest.raises(crypto.DecryptionFailed):
            crypto.decrypt_text(other, blob, **binding)
    # the second organisation's files are in a folder of its own; the first keeps the
    # keys folder's own files (those of a one-organisation installation)
    root = Path(app.config["INTAKE_KEYS_PATH"])
    assert crypto.load_keyring(crypto.organisation_keys_dir(root, second)) == theirs
    assert crypto.load_keyring(root) == mine


def test_a_tracking_code_is_digested_with_its_organisations_pepper(app: Flask) -> None:
    second = add_organisation(app, SECOND, "เทศบาลตำบลที่สอง")
    _reference, code = file_and_read_receipt(
        app.test_client(), f"/o/{SECOND}/complaints/new", complaint_form()
    )
    with app.app_context():
        stored = db.session.scalar(host_wide(select(Case.tracking_digest)))
        normal = normalize(code)
        assert stored == crypto.tracking_digest(keyring_for(second), normal)
        assert stored != crypto.tracking_digest(keyring_for(FIRST), normal)


def test_the_session_uses_the_keyring_of_the_organisation_it_works_for(app: Flask) -> None:
    second = add_organisation(app, SECOND, "เทศบาลตำบลที่สอง")
    for organisation_id in (FIRST, second):
        with working_for(app, organisation_id), app.app_context():
            assert current_keyring() == keyring_for(organisation_id)
            assert audit.verify(db.session, current_keyring()).ok
    with app.app_context():
        # the keys folder's own files stay the installation's: they open its backups
        assert host_keyring() == keyring_for(FIRST)


def test_a_one_organisation_installation_keeps_its_key_files(app: Flask) -> None:
    root = Path(app.config["INTAKE_KEYS_PATH"])
    with app.app_context():
        assert current_keyring() == crypto.load_keyring(root)
    assert not (root / crypto.ORGANISATIONS_FOLDER).exists()


@pytest.mark.commits
def test_keys_rotate_for_one_organisation_or_each_in_turn(app: Flask) -> None:
    second = _two_organisations_with_a_case_each(app)
    with app.app_context():
        first_before = keyring_for(FIRST).active_content_key
        second_before = keyring_for(second).active_content_key

    output = run_intake(app, "rotate-keys", "--org", SECOND, "--retire")
    assert f"{SECOND}: content key" in output and "main:" not in output
    with app.app_context():
        assert keyring_for(FIRST).active_content_key == first_before
        rotated = keyring_for(second)
    assert rotated.active_content_key != second_before
    assert list(rotated.content_keys) == [rotated.active_content_key]  # the old one retired
    case_id, blob = _subject_of(app, second)
    assert crypto.ciphertext_key_id(blob) == rotated.active_content_key
    assert crypto.decrypt_text(rotated, blob, table="cases", column="subject", row_id=case_id)

    output = run_intake(app, "rotate-keys")
    assert "main: content key" in output and f"{SECOND}: content key" in output
    for organisation_id in (FIRST, second):
        with working_for(app, organisation_id), app.app_context():
            keyring = current_keyring()
            case_id, blob = _subject_of(app, organisation_id)
            assert crypto.ciphertext_key_id(blob) == keyring.active_content_key
            assert audit.verify(db.session, keyring).ok

    assert "no organisation nowhere" in run_intake(app, "rotate-keys", "--org", "nowhere", ok=False)


def test_an_organisations_key_files_must_be_owner_only_too(app: Flask) -> None:
    second = add_organisation(app, SECOND, "เทศบาลตำบลที่สอง")
    folder = crypto.organisation_keys_dir(Path(app.config["INTAKE_KEYS_PATH"]), second)
    assert loose_storage(app.config) is None
    (folder / crypto.CONTENT_KEYS_FILE).chmod(0o644)
    problem = loose_storage(app.config)
    assert problem is not None and crypto.CONTENT_KEYS_FILE in problem
