"""Where the running application keeps its keyring."""

from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask, current_app

from config import ConfigError
from intake import crypto

_EXTENSION = "intake.keyring"


def _running_init() -> bool:
    """`flask intake init` is how production keys come to exist, so it may start without."""
    args = sys.argv[1:]
    return "intake" in args and "init" in args[args.index("intake") :]


def init_keys(app: Flask) -> None:
    keys_dir = Path(app.config["INTAKE_KEYS_PATH"])
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
    app.extensions[_EXTENSION] = keyring


def current_keyring() -> crypto.Keyring:
    keyring = current_app.extensions.get(_EXTENSION)
    if keyring is None:
        raise crypto.KeyMissing("no keyring loaded; run `flask --app wsgi intake init`")
    return keyring
