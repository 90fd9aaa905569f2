"""Where the running application keeps its keyring. Views fetch it here only to hand
it to the services that use it: no module under ``intake/public`` or ``intake/staff``
imports ``intake.crypto``.

A long-running worker notices when the content-key file is replaced (key rotation,
retirement) and loads it again: ``current_keyring()`` compares the file's ``os.stat``
(inode, mtime_ns, size) with what it saw at the last load, at most once every
``RELOAD_INTERVAL_SECONDS`` per application. A file that fails to load keeps the keyring
already held and is tried again at the next check.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app

from config import ConfigError
from intake import crypto

_EXTENSION = "intake.keyring"
_WATCH = "intake.keyring.watch"

# How often (seconds) a worker looks at the key file's stat; tests set it to 0.
RELOAD_INTERVAL_SECONDS = 1.0

_log = logging.getLogger(__name__)

_Stamp = tuple[int, int, int]


@dataclass
class _Watch:
    keys_dir: Path
    stamp: _Stamp | None
    checked_at: float
    lock: threading.Lock = field(default_factory=threading.Lock)


def _stamp(keys_dir: Path) -> _Stamp | None:
    try:
        stat = os.stat(keys_dir / crypto.CONTENT_KEYS_FILE)
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _watch(app: Flask, keys_dir: Path) -> None:
    # Stat before loading: a change between the two is then seen at the next check.
    app.extensions[_WATCH] = _Watch(keys_dir, _stamp(keys_dir), time.monotonic())


def _running_init() -> bool:
    """`flask intake init` (or the console command `intake init`) is how production keys
    come to exist, so it may start without."""
    args = [Path(sys.argv[0]).name, *sys.argv[1:]]
    return "intake" in args and "init" in args[args.index("intake") :]


def init_keys(app: Flask) -> None:
    keys_dir = Path(app.config["INTAKE_KEYS_PATH"])
    _watch(app, keys_dir)
    if app.config["ENV_NAME"] != "production":
        app.extensions[_EXTENSION] = crypto.ensure_keyring(keys_dir)
        return
    missing = crypto.missing_key_files(keys_dir)
    if missing and _running_init():
        app.extensions[_EXTENSION] = None
        return
    if missing:
        raise ConfigError(
            f"key files missing in {keys_dir}: {', '.join(missing)}; "
            "run `flask --app wsgi intake init` once, or mount the keys there"
        )
    app.extensions[_EXTENSION] = crypto.load_keyring(keys_dir)


def set_keyring(app: Flask, keyring: crypto.Keyring) -> None:
    watch = app.extensions.get(_WATCH)
    if watch is not None:
        with watch.lock:
            # The keyring set here stands until the file changes after this moment.
            watch.stamp = _stamp(watch.keys_dir)
            app.extensions[_EXTENSION] = keyring
    else:
        app.extensions[_EXTENSION] = keyring


def _reload_if_changed(app: Flask, watch: _Watch) -> None:
    now = time.monotonic()
    if now - watch.checked_at < RELOAD_INTERVAL_SECONDS:
        return
    with watch.lock:
        if now - watch.checked_at < RELOAD_INTERVAL_SECONDS:
            return  # another thread checked while this one waited for the lock
        watch.checked_at = now
        stamp = _stamp(watch.keys_dir)
        if stamp is None or stamp == watch.stamp:
            return
        try:
            keyring = crypto.load_keyring(watch.keys_dir)
        except crypto.KeyMissing as exc:
            # Keep serving with the keys held; the next check tries again.
            _log.warning("content key file changed but does not load: %s", exc)
            return
        watch.stamp = stamp
        app.extensions[_EXTENSION] = keyring
        _log.info("content keys reloaded; active key %s", keyring.active_content_key)


def keyring_for(organisation_id: int) -> crypto.Keyring:
    """The content keys, tracking pepper and audit key of one organisation. The
    installation holds one keyring for all of them for now, so this is that one; a
    keyring per organisation replaces it here and every caller follows."""
    del organisation_id  # one keyring serves every organisation until then
    return current_keyring()


def current_keyring() -> crypto.Keyring:
    watch = current_app.extensions.get(_WATCH)
    if watch is not None:
        _reload_if_changed(current_app, watch)
    keyring = current_app.extensions.get(_EXTENSION)
    if keyring is None:
        raise crypto.KeyMissing("no keyring loaded; run `flask --app wsgi intake init`")
    return keyring
