"""The append-only, hash-chained audit log (intake.services.audit) and `intake audit-verify`.

Tampering is simulated twice over: first as anyone who can run SQL (the triggers refuse),
then as a database superuser who drops the triggers first (the chain notices), with or
without the server's audit key.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import cast

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import exc, select, text

from intake import crypto
from intake.extensions import db
from intake.models import AuditEntry, AuditHead, User
from intake.services import audit
from intake.services.keyring import current_keyring

# The audit tables are dropped and created again on a connection of their own.
pytestmark = pytest.mark.commits

NOW = datetime(2026, 3, 10, 3, 0, 0, 123456, tzinfo=UTC)
BANGKOK = timezone(timedelta(hours=7))
CASE_ID = "6f1c2a9e-3b4d-4e5f-8a7b-0c1d2e3f4a5b"
ENTRIES = 5
THREADS = 6
RECORDS_PER_THREAD = 15

entries_table = cast(sa.Table, AuditEntry.__table__)
head_table = cast(sa.Table, AuditHead.__table__)


@pytest.fixture
def fresh_app(app: Flask) -> Flask:
    """The app with an empty audit log: the shared setup records entries of its own."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in (entries_table, head_table):
                table.drop(connection)
            for table in (entries_table, head_table):
                table.create(connection)  # with its triggers
            # the organisation's chain starts again from its head
            connection.execute(
                head_table.insert().values(organisation_id=1, last_id=0, last_mac="")
            )
    return app


@pytest.fixture
def ctx(fresh_app: Flask) -> Iterator[None]:
    with fresh_app.app_context():
        yield
        db.session.rollback()


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _append(count: int, *, first_at: datetime = NOW) -> None:
    """Record ``count`` entries, one per second, and commit."""
    keyring = current_keyring()
    for n in range(count):
        audit.record(
            db.session,
            keyring,
            "case.status_changed" if n % 2 else "case.viewed",
            actor=f"user:{n + 1}",
            now=first_at + timedelta(seconds=n),
            case_id=CASE_ID if n % 2 else None,
            detail=f"step {n + 1}",
        )
    db.session.commit()


def _ids() -> list[int]:
    return list(db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


def _head() -> tuple[int, str]:
    row = db.session.execute(select(AuditHead.last_id, AuditHead.last_mac)).one()
    return row.last_id, row.last_mac


def _verify() -> audit.VerifyResult:
    result = audit.verify(db.session, current_keyring())
    db.session.rollback()
    return result


def _drop_triggers() -> None:
    """What a database superuser can do, and what the chain must survive."""
    if _dialect() == "sqlite":
        db.session.execute(text("DROP TRIGGER audit_log_no_update"))
        db.session.execute(text("DROP TRIGGER audit_log_no_delete"))
    else:
        db.session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
    db.session.commit()


def _update_entry(entry_id: int, **values: object) -> None:
    db.session.execute(sa.update(entries_table).where(entries_table.c.id == entry_id), values)


def _rechain_from(entry_id: int, key: bytes) -> None:
    """Recompute the macs of ``entry_id`` onwards and the head, as an attacker holding ``key``."""
    previous = db.session.scalar(select(AuditEntry.mac).where(AuditEntry.id == entry_id - 1))
    rows = db.session.execute(
        select(entries_table).where(entries_table.c.id >= entry_id).order_by(entries_table.c.id)
    ).all()
    mac = previous or ""
    for row in rows:
        entry = audit.entry_text(row.id, row.at, row.actor, row.action, row.case_id, row.detail)
        mac = crypto.audit_mac(key, mac, entry)
        _update_entry(row.id, mac=mac)
    db.session.execute(sa.update(head_table).values(last_id=rows[-1].id, last_mac=mac))


# --- appending ----------------------------------------------------------------------------


def test_appending_entries_numbers_them_from_one_and_the_chain_verifies(ctx: None) -> None:
    # Given an empty log
    assert _head() == (0, "")
    # When five entries are recorded, one of them at a Bangkok-local time
    _append(ENTRIES - 1)
    audit.record(
        db.session,
        current_keyring(),
        "case.filed",
        actor=audit.ACTOR_PUBLIC,
        now=datetime(2026, 3, 10, 17, 30, 0, 654321, tzinfo=BANGKOK),
        case_id=CASE_ID,
        detail="ช่องทาง: เว็บไซต์",
    )
    db.session.commit()
    # Then they are numbered 1..5, the head names the newest, and the chain is intact
    assert _ids() == [1, 2, 3, 4, 5]
    newest = db.session.get(AuditEntry, (1, ENTRIES))
    assert newest is not None
    assert newest.at == datetime(2026, 3, 10, 10, 30, 0, 654321, tzinfo=UTC)
    assert _head() == (ENTRIES, newest.mac)
    assert _verify() == audit.VerifyResult(
        ok=True, checked=ENTRIES, first_broken_id=None, problem=""
    )


def test_an_empty_log_verifies(ctx: None) -> None:
    # Given a log with no entries and the head at (0, "")
    # When it is verified
    result = _verify()
    # Then it is intact, with nothing checked
    assert result == audit.VerifyResult(ok=True, checked=0, first_broken_id=None, problem="")


def test_record_joins_the_callers_transaction_and_a_rollback_leaves_no_gap(ctx: None) -> None:
    # Given one committed entry
    _append(1)
    # When a second entry is recorded and the caller rolls back
    audit.record(db.session, current_keyring(), "case.viewed", actor="user:9", now=NOW)
    db.session.rollback()
    # Then the log and its head are as before
    assert _ids() == [1]
    assert _head()[0] == 1
    # And the next entry takes the number the rolled-back one had
    entry = audit.record(db.session, current_keyring(), "case.viewed", actor="user:9", now=NOW)
    db.session.commit()
    assert entry.id == 2
    assert _verify().ok


def test_verify_walks_the_log_in_batches(ctx: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given batches of two and a log of five entries
    monkeypatch.setattr(audit, "VERIFY_BATCH", 2)
    _append(ENTRIES)
    # When it is verified
    intact = _verify()
    # Then every entry was checked across the batch boundaries
    assert intact == audit.VerifyResult(True, ENTRIES, None, "")
    # And a gap at a batch boundary (entry 3 starts the second batch) is still found
    _drop_triggers()
    db.session.execute(sa.delete(entries_table).where(entries_table.c.id == 3))
    db.session.commit()
    assert _verify() == audit.VerifyResult(False, 2, 4, "entry 3 is missing")


def test_actor_label_names_a_user_or_the_public() -> None:
    # Given a staff user and no user
    user = User(id=7, username="somchai", display_name="สมชาย")
    # When they are labelled
    # Then staff are "user:<id>" and nobody is the public
    assert audit.actor_label(user) == "user:7"
    assert audit.actor_label(None) == audit.ACTOR_PUBLIC == "public"


@pytest.mark.parametrize(
    ("action", "actor", "now", "detail"),
    [
        pytest.param("case.filled", "public", NOW, "", id="unknown-action"),
        pytest.param("case.viewed", "public", NOW, "line one\nline two", id="newline-in-detail"),
        pytest.param("case.viewed", "public", NOW, "a\x1fb", id="separator-in-detail"),
        pytest.param("case.viewed", "user:1\n", NOW, "", id="newline-in-actor"),
        pytest.param("case.viewed", "", NOW, "", id="empty-actor"),
        pytest.param("case.viewed", "public", NOW, "x" * 201, id="detail-too-long"),
        pytest.param("case.viewed", "public", NOW.replace(tzinfo=None), "", id="naive-time"),
    ],
)
def test_record_refuses_bad_input_and_writes_nothing(
    ctx: None, action: str, actor: str, now: datetime, detail: str
) -> None:
    # Given an empty log
    # When an entry with a bad field is recorded
    with pytest.raises(ValueError, match="audit"):
        audit.record(db.session, current_keyring(), action, actor=actor, now=now, detail=detail)
    db.session.commit()
    # Then nothing was written
    assert _ids() == []
    assert _head() == (0, "")


# --- the triggers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("UPDATE audit_log SET action = 'x'", id="update"),
        pytest.param("DELETE FROM audit_log", id="delete"),
        pytest.param("TRUNCATE audit_log", id="truncate"),
    ],
)
def test_the_database_refuses_to_change_the_log(ctx: None, statement: str) -> None:
    if statement.startswith("TRUNCATE") and _dialect() != "postgresql":
        pytest.skip("postgresql tier only: SQLite has no TRUNCATE")
    # Given a log of three entries, triggers in place
    _append(3)
    before = db.session.execute(select(entries_table).order_by(entries_table.c.id)).all()
    # When someone with SQL access tries to change it
    with pytest.raises(exc.DBAPIError) as raised:
        db.session.execute(text(statement))
    db.session.rollback()
    # Then the trigger's error says why, and the log is unchanged and intact
    assert "append-only" in str(raised.value.orig)
    after = db.session.execute(select(entries_table).order_by(entries_table.c.id)).all()
    assert after == before
    assert _verify().ok


# --- tampering by a superuser who drops the triggers --------------------------------------


def _change_action() -> None:
    _update_entry(3, action="case.exported")


def _change_actor() -> None:
    _update_entry(3, actor="user:999")


def _change_time() -> None:
    _update_entry(3, at=NOW + timedelta(seconds=2, microseconds=1))


def _change_case() -> None:
    _update_entry(3, case_id="00000000-0000-0000-0000-000000000000")


def _change_detail() -> None:
    _update_entry(3, detail="step three")


def _delete_middle() -> None:
    db.session.execute(sa.delete(entries_table).where(entries_table.c.id == 3))


def _delete_two_middle() -> None:
    db.session.execute(sa.delete(entries_table).where(entries_table.c.id.in_([2, 3])))


def _delete_newest() -> None:
    db.session.execute(sa.delete(entries_table).where(entries_table.c.id == ENTRIES))


def _change_head_mac() -> None:
    db.session.execute(sa.update(head_table).values(last_mac="0" * 64))


def _rewind_head() -> None:
    mac = db.session.scalar(select(AuditEntry.mac).where(AuditEntry.id == 3))
    db.session.execute(sa.update(head_table).values(last_id=3, last_mac=mac))


@pytest.mark.parametrize(
    ("tamper", "checked", "broken_id", "problem"),
    [
        pytest.param(_change_action, 2, 3, "entry 3 does not match its mac", id="action"),
        pytest.param(_change_actor, 2, 3, "entry 3 does not match its mac", id="actor"),
        pytest.param(_change_time, 2, 3, "entry 3 does not match its mac", id="time"),
        pytest.param(_change_case, 2, 3, "entry 3 does not match its mac", id="case"),
        pytest.param(_change_detail, 2, 3, "entry 3 does not match its mac", id="detail"),
        pytest.param(_delete_middle, 2, 4, "entry 3 is missing", id="delete-middle"),
        pytest.param(_delete_two_middle, 1, 4, "entries 2 to 3 are missing", id="delete-two"),
        pytest.param(_delete_newest, 4, 5, "newest entries missing", id="delete-newest"),
        pytest.param(_change_head_mac, 5, 5, "newest entries missing", id="head-mac"),
        pytest.param(_rewind_head, 5, 4, "the head names entry 3, not 5", id="head-rewound"),
    ],
)
def test_verify_names_the_first_tampered_entry(
    ctx: None, tamper: Callable[[], None], checked: int, broken_id: int, problem: str
) -> None:
    # Given an intact log of five entries and no triggers
    _append(ENTRIES)
    assert _verify().ok
    _drop_triggers()
    # When it is tampered with
    tamper()
    db.session.commit()
    # Then verify names the first broken entry and what is wrong
    assert _verify() == audit.VerifyResult(False, checked, broken_id, problem)


@pytest.mark.parametrize(
    ("key_holder", "ok", "broken_id"),
    [
        pytest.param("server", True, None, id="with-the-audit-key"),
        pytest.param("attacker", False, 3, id="with-another-key"),
    ],
)
def test_rechaining_a_tampered_entry_needs_the_audit_key(
    ctx: None, key_holder: str, ok: bool, broken_id: int | None
) -> None:
    # Given an intact log of five entries and no triggers
    _append(ENTRIES)
    _drop_triggers()
    key = current_keyring().audit_key if key_holder == "server" else secrets.token_bytes(32)
    # When entry 3 is changed and it, the entries after it and the head are re-chained
    _change_action()
    _rechain_from(3, key)
    db.session.commit()
    # Then only the server's key makes a chain that verifies
    result = _verify()
    assert (result.ok, result.first_broken_id) == (ok, broken_id)


# --- concurrency --------------------------------------------------------------------------


def _record_many(app: Flask, thread: int, errors: list[BaseException]) -> None:
    try:
        with app.app_context():
            keyring = current_keyring()
            for n in range(RECORDS_PER_THREAD):
                audit.record(
                    db.session,
                    keyring,
                    "case.viewed",
                    actor=f"user:{thread}",
                    now=NOW + timedelta(milliseconds=n),
                    detail=f"{thread}/{n}",
                )
                db.session.commit()
            db.session.remove()
    except BaseException as error:  # reported to the main thread
        errors.append(error)


def test_parallel_appends_make_one_unbroken_chain(fresh_app: Flask) -> None:
    app = fresh_app
    # Given six threads on one app
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_record_many, args=(app, t, errors)) for t in range(THREADS)]
    # When each records fifteen entries, committing after each
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then there are 90 entries numbered 1..90, every one kept, in one intact chain
    assert errors == []
    total = THREADS * RECORDS_PER_THREAD
    with app.app_context():
        assert _ids() == list(range(1, total + 1))
        details = set(db.session.scalars(select(AuditEntry.detail)))
        assert len(details) == total
        assert _head()[0] == total
        assert _verify() == audit.VerifyResult(True, total, None, "")


# --- the command --------------------------------------------------------------------------


def test_audit_verify_command_reports_an_intact_log_and_a_broken_one(fresh_app: Flask) -> None:
    app = fresh_app
    runner = app.test_cli_runner()
    # Given a log of three entries
    with app.app_context():
        _append(3)
    # When it is verified from the command line
    intact = runner.invoke(args=["intake", "audit-verify"])
    # Then it exits 0 and says so, recording nothing
    assert intact.exit_code == 0, intact.output
    assert "audit log: 3 entries, chain intact" in intact.stdout
    with app.app_context():
        assert _ids() == [1, 2, 3]
        # Given entry 2 is then changed by a superuser
        _drop_triggers()
        _update_entry(2, actor="user:999")
        db.session.commit()
    # When it is verified again
    broken = runner.invoke(args=["intake", "audit-verify"])
    # Then it exits 1 and names the entry
    assert broken.exit_code == 1
    assert "audit log BROKEN at entry 2: entry 2 does not match its mac" in broken.stderr
