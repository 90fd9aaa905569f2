"""Where the running application keeps its keyrings: one per organisation, and the
installation's own. Views fetch them here only to hand them to the services that use them:
no module under ``intake/public`` or ``intake/staff`` imports ``intake.crypto``.

``current_keyring()`` is the keyring of the organisation ``db.session`` works for;
``keyring_for(id)`` is any one organisation's (code that handles two at once);
``host_keyring()`` is the keys folder's own files, which open backup archives and are also
the keyring of the organisation the installation started with, unless it has a folder of
its own (see ``crypto.keyring``). Each is loaded when first asked for and kept per process.

A long-running worker notices when a content-key file is replaced (key rotation,
retirement) and loads it again: each keyring's file ``os.stat`` (inode, mtime_ns, size) is
compared with what was seen at its last load, at most once every
``RELOAD_INTERVAL_SECONDS``. A file that fails to load keeps the keyring already held and
is tried again at the next check.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context
from sqlalchemy import func, select

from config import ConfigError
from intake import crypto
from intake.extensions import db
from intake.models import Organisation
from intake.organisation_scope import chosen_organisation, host_wide, working_organisation

_HELD = "intake.keyrings"
_HELD_LOCK = "intake.keyrings.lock"
_FIRST = "intake.keyring.first_organisation"
_SCHEMA = "intake.keyring.schema_present"
_REQUEST_KEYRINGS = "intake_keyrings"  # in flask.g: the keyrings this request has found

# How often (seconds) a worker looks at a key file's stat; tests set it to 0.
RELOAD_INTERVAL_SECONDS = 1.0

_log = logging.getLogger(__name__)

_Stamp = tuple[int, int, int]


@dataclass
class _Held:
    keys_dir: Path
    keyring: crypto.Keyring | None
    stamp: _Stamp | None
    checked_at: float
    lock: threading.Lock = field(default_factory=threading.Lock)


def _stamp(keys_dir: Path) -> _Stamp | None:
    try:
        stat = os.stat(keys_dir / crypto.CONTENT_KEYS_FILE)
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _keys_root(app: Flask) -> Path:
    return Path(app.config["INTAKE_KEYS_PATH"])


def _held(app: Flask) -> dict[Path, _Held]:
    held: dict[Path, _Held] = app.extensions.setdefault(_HELD, {})
    return held


def _hold(app: Flask, keys_dir: Path, keyring: crypto.Keyring | None) -> None:
    # Stat before loading: a change between the two is then seen at the next check.
    _held(app)[keys_dir] = _Held(keys_dir, keyring, _stamp(keys_dir), time.monotonic())


def _running_init() -> bool:
    """`flask intake init` (or the console command `intake init`) is how production keys
    come to exist, so it may start without."""
    args = [Path(sys.argv[0]).name, *sys.argv[1:]]
    return "intake" in args and "init" in args[args.index("intake") :]


def init_keys(app: Flask) -> None:
    app.extensions[_HELD] = {}
    app.extensions[_HELD_LOCK] = threading.Lock()
    keys_dir = _keys_root(app)
    if app.config["ENV_NAME"] != "production":
        _hold(app, keys_dir, crypto.ensure_keyring(keys_dir))
        return
    missing = crypto.missing_key_files(keys_dir)
    if missing and _running_init():
        _hold(app, keys_dir, None)
        return
    if missing:
        raise ConfigError(
            f"key files missing in {keys_dir}: {', '.join(missing)}; "
            "run `flask --app wsgi intake init` once, or mount the keys there"
        )
    _hold(app, keys_dir, crypto.load_keyring(keys_dir))


def set_keyring(app: Flask, keyring: crypto.Keyring) -> None:
    """The keyring just saved in ``keyring.path`` (the keys folder's own files when it has
    none) stands until its file changes after this moment."""
    keys_dir = keyring.path or _keys_root(app)
    held = _held(app).get(keys_dir)
    if held is None:
        _hold(app, keys_dir, keyring)
        return
    with held.lock:
        held.stamp = _stamp(keys_dir)
        held.keyring = keyring


def forget_keyring(app: Flask, keys_dir: Path) -> None:
    """After a keyring's files are deleted: nothing in this process holds it any more."""
    _held(app).pop(keys_dir, None)


def _reload_if_changed(held: _Held) -> None:
    now = time.monotonic()
    if now - held.checked_at < RELOAD_INTERVAL_SECONDS:
        return
    with held.lock:
        if now - held.checked_at < RELOAD_INTERVAL_SECONDS:
            return  # another thread checked while this one waited for the lock
        held.checked_at = now
        stamp = _stamp(held.keys_dir)
        if stamp is None or stamp == held.stamp:
            return
        try:
            keyring = crypto.load_keyring(held.keys_dir)
        except crypto.KeyMissing as exc:
            # Keep serving with the keys held; the next check tries again.
            _log.warning("content key file changed but does not load: %s", exc)
            return
        held.stamp = stamp
        held.keyring = keyring
        _log.info("content keys reloaded; active key %s", keyring.active_content_key)


def _keyring_in(app: Flask, keys_dir: Path) -> crypto.Keyring:
    held = _held(app).get(keys_dir)
    if held is None:
        with app.extensions.setdefault(_HELD_LOCK, threading.Lock()):
            held = _held(app).get(keys_dir)
            if held is None:
                # Development makes what is missing, as on first run; production never does.
                development = app.config["ENV_NAME"] != "production"
                load = crypto.ensure_keyring if development else crypto.load_keyring
                _hold(app, keys_dir, load(keys_dir))
                held = _held(app)[keys_dir]
    else:
        _reload_if_changed(held)
    if held.keyring is None:
        raise crypto.KeyMissing("no keyring loaded; run `flask --app wsgi intake init`")
    return held.keyring


def _first_organisation_id(app: Flask) -> int | None:
    first = app.extensions.get(_FIRST)
    if first is None:
        first = db.session.scalar(host_wide(select(func.min(Organisation.id))))
        if first is not None:
            app.extensions[_FIRST] = first
    return first


def keys_dir_for(organisation_id: int) -> Path:
    """Where this organisation's key files are: its own folder, or the keys folder's own
    files for the organisation the installation started with."""
    root = _keys_root(current_app)
    own = crypto.organisation_keys_dir(root, organisation_id)
    if crypto.has_key_files(own) or organisation_id != _first_organisation_id(current_app):
        return own
    return root


def keyring_for(organisation_id: int) -> crypto.Keyring:
    """One organisation's keyring, whichever organisation the session works for. A
    request finds it once (its files are looked at for a rotation once per request, not
    at every decryption); commands, which rotate keys, look every time."""
    if not has_request_context():
        return _keyring_in(current_app, keys_dir_for(organisation_id))
    found: dict[int, crypto.Keyring] = g.setdefault(_REQUEST_KEYRINGS, {})
    keyring = found.get(organisation_id)
    if keyring is None:
        keyring = found[organisation_id] = _keyring_in(current_app, keys_dir_for(organisation_id))
    return keyring


def host_keyring() -> crypto.Keyring:
    """The keys folder's own files: the key of backup archives."""
    return _keyring_in(current_app, _keys_root(current_app))


def _has_schema(app: Flask) -> bool:
    """Whether the database has its tables yet (not before `intake init` or a restore
    builds them); remembered once they are there."""
    if not app.extensions.get(_SCHEMA):
        began = not db.session().in_transaction()
        present = sa.inspect(db.session.connection()).has_table(Organisation.__tablename__)
        if began and not present:
            db.session.rollback()  # no transaction (nor SQLite's write lock) left behind
        app.extensions[_SCHEMA] = present
    return bool(app.extensions[_SCHEMA])


def current_keyring() -> crypto.Keyring:
    """The keyring of the organisation ``db.session`` works for (the keys folder's own
    files while there is no organisation, or no database, yet)."""
    chosen = chosen_organisation(db.session)
    if chosen is not None:
        return keyring_for(int(chosen))
    if not _has_schema(current_app):
        return host_keyring()
    organisation_id = working_organisation(db.session)
    if organisation_id is None:
        return host_keyring()
    return keyring_for(organisation_id)


def make_organisation_keys(organisation_id: int) -> crypto.Keyring:
    """A new organisation's keys, in a folder of its own; the first organisation of an
    installation takes the keys folder's own files."""
    if organisation_id == _first_organisation_id(current_app):
        return host_keyring()
    keys_dir = crypto.organisation_keys_dir(_keys_root(current_app), organisation_id)
    # A folder left by a transaction that was rolled back holds keys nobody used: replace it.
    keyring = crypto.generate_keyring()
    crypto.save_keyring(keyring, keys_dir)
    set_keyring(current_app, keyring)
    return keyring


def shred_keys(keys_dir: Path) -> None:
    """An organisation's keys are gone for good: what was encrypted under them, in the
    database or in any old backup, cannot be read any more."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    app.extensions.pop(_FIRST, None)  # the first organisation may be the one going
    if keys_dir != _keys_root(app):
        crypto.delete_key_files(keys_dir)
        forget_keyring(app, keys_dir)
        return
    # The keys folder's own files also open the host's backups: only their content keys
    # go, replaced by a fresh one.
    old = crypto.load_keyring(keys_dir)
    fresh = crypto.retire_content_keys(crypto.add_content_key(old), keep=set())
    crypto.save_keyring(fresh, keys_dir)
    set_keyring(app, fresh)
