"""The server-held keys: the keyring, its files in the keys folder, content keys added and
retired. None of these keys opens a sealed whistleblower identity."""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from intake import durable
from intake.filemodes import make_private_folder

CONTENT_KEYS_FILE = "content-keys.json"
TRACKING_PEPPER_FILE = "tracking-pepper"
AUDIT_KEY_FILE = "audit-key"
KEY_FILES = (CONTENT_KEYS_FILE, TRACKING_PEPPER_FILE, AUDIT_KEY_FILE)


class CryptoError(Exception):
    """Base of every error this module raises."""


class KeyMissing(CryptoError):
    """A key file is absent or unreadable; the message names which."""


class DecryptionFailed(CryptoError):
    """Wrong key, wrong binding or tampered ciphertext; never says which, on purpose."""


@dataclass
class Keyring:
    """Server-held keys. None of them can open a sealed whistleblower identity."""

    content_keys: dict[str, bytes] = field(repr=False)
    active_content_key: str
    tracking_pepper: bytes = field(repr=False)
    audit_key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    path: Path | None = field(default=None, compare=False)

    def active_key(self) -> tuple[str, bytes]:
        return self.active_content_key, self.content_keys[self.active_content_key]


def _new_key_id(existing: dict[str, bytes]) -> str:
    number = len(existing) + 1
    while f"c{number}" in existing:
        number += 1
    return f"c{number}"


def generate_keyring() -> Keyring:
    key_id = _new_key_id({})
    return Keyring(
        content_keys={key_id: AESGCM.generate_key(bit_length=256)},
        active_content_key=key_id,
        tracking_pepper=secrets.token_bytes(32),
        audit_key=secrets.token_bytes(32),
    )


def _write_private(path: Path, data: bytes) -> None:
    """Write atomically with owner-only permissions."""
    make_private_folder(path.parent)
    durable.replace(path, data)


def save_keyring(keyring: Keyring, keys_dir: Path) -> None:
    document = {
        "active": keyring.active_content_key,
        "keys": {
            kid: base64.b64encode(key).decode("ascii") for kid, key in keyring.content_keys.items()
        },
    }
    _write_private(keys_dir / CONTENT_KEYS_FILE, json.dumps(document, indent=2).encode())
    _write_private(
        keys_dir / TRACKING_PEPPER_FILE, base64.b64encode(keyring.tracking_pepper) + b"\n"
    )
    _write_private(keys_dir / AUDIT_KEY_FILE, base64.b64encode(keyring.audit_key) + b"\n")
    keyring.path = keys_dir


def missing_key_files(keys_dir: Path) -> list[str]:
    return [name for name in KEY_FILES if not (keys_dir / name).is_file()]


def load_keyring(keys_dir: Path) -> Keyring:
    missing = missing_key_files(keys_dir)
    if missing:
        raise KeyMissing(f"missing key files in {keys_dir}: {', '.join(missing)}")
    try:
        document = json.loads((keys_dir / CONTENT_KEYS_FILE).read_text("utf-8"))
        if not isinstance(document.get("keys"), dict) or not isinstance(document["active"], str):
            raise TypeError("content key file has the wrong shape")
        content_keys = {kid: base64.b64decode(v) for kid, v in document["keys"].items()}
        active = document["active"]
        pepper = base64.b64decode((keys_dir / TRACKING_PEPPER_FILE).read_bytes().strip())
        audit_key = base64.b64decode((keys_dir / AUDIT_KEY_FILE).read_bytes().strip())
    except (OSError, ValueError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
        raise KeyMissing(f"unreadable key files in {keys_dir}") from exc
    if active not in content_keys or any(len(k) != 32 for k in content_keys.values()):
        raise KeyMissing(f"content key file in {keys_dir} is inconsistent")
    if len(pepper) < 32 or len(audit_key) < 32:
        raise KeyMissing(f"tracking pepper or audit key in {keys_dir} is too short")
    return Keyring(content_keys, active, pepper, audit_key, path=keys_dir)


def ensure_keyring(keys_dir: Path) -> Keyring:
    """Load the keys, creating them on first run (development and `intake init`)."""
    if not missing_key_files(keys_dir):
        return load_keyring(keys_dir)
    if any((keys_dir / name).exists() for name in KEY_FILES):
        # Half a keyring means something went wrong; never paper over it with new keys.
        raise KeyMissing(f"incomplete key files in {keys_dir}: {missing_key_files(keys_dir)}")
    keyring = generate_keyring()
    save_keyring(keyring, keys_dir)
    return keyring


def add_content_key(keyring: Keyring) -> Keyring:
    """A copy of ``keyring`` with a fresh content key, made active.

    Ids count up from the highest one held (``c1``, ``c2``, ...), so a retired id is never
    given to a different key while the newest key is kept.
    """
    numbers = [int(kid[1:]) for kid in keyring.content_keys if kid[1:].isdigit()]
    key_id = f"c{max(numbers, default=0) + 1}"
    keys = {**keyring.content_keys, key_id: AESGCM.generate_key(bit_length=256)}
    return Keyring(keys, key_id, keyring.tracking_pepper, keyring.audit_key, path=keyring.path)


def retire_content_keys(keyring: Keyring, keep: set[str]) -> Keyring:
    """A copy of ``keyring`` holding only the content keys in ``keep`` and the active one."""
    keys = {
        kid: key
        for kid, key in keyring.content_keys.items()
        if kid in keep or kid == keyring.active_content_key
    }
    active = keyring.active_content_key
    return Keyring(keys, active, keyring.tracking_pepper, keyring.audit_key, path=keyring.path)


# --- One keyring per organisation ------------------------------------------------------
#
# The keys folder's own files are the installation's keyring: they open backup archives,
# and they are the keyring of the organisation the installation started with (so an
# installation made before there were several keeps its keys where they are). Every other
# organisation's keyring is in a folder of its own, ``organisations/<id>/``.

ORGANISATIONS_FOLDER = "organisations"


def organisation_keys_dir(keys_root: Path, organisation_id: int) -> Path:
    return keys_root / ORGANISATIONS_FOLDER / str(int(organisation_id))


def has_key_files(keys_dir: Path) -> bool:
    return any((keys_dir / name).exists() for name in KEY_FILES)


def delete_key_files(keys_dir: Path) -> None:
    """Remove a keyring's files (and its folder when nothing else is in it). What was
    encrypted under them cannot be read without a copy of them kept elsewhere."""
    if not keys_dir.is_dir():
        return
    for name in KEY_FILES:
        (keys_dir / name).unlink(missing_ok=True)
    durable.sync_folder(keys_dir)
    if not any(keys_dir.iterdir()):
        keys_dir.rmdir()


def keyring_document(keyring: Keyring) -> dict[str, object]:
    """The keyring as a JSON-ready document (for an organisation's export archive only)."""
    return {
        "active": keyring.active_content_key,
        "keys": {k: base64.b64encode(v).decode("ascii") for k, v in keyring.content_keys.items()},
        "tracking_pepper": base64.b64encode(keyring.tracking_pepper).decode("ascii"),
        "audit_key": base64.b64encode(keyring.audit_key).decode("ascii"),
    }


def keyring_from_document(document: dict[str, object]) -> Keyring:
    try:
        keys = document["keys"]
        active = document["active"]
        if not isinstance(keys, dict) or not isinstance(active, str):
            raise TypeError("keyring document has the wrong shape")
        keyring = Keyring(
            {kid: base64.b64decode(value) for kid, value in keys.items()},
            active,
            base64.b64decode(str(document["tracking_pepper"])),
            base64.b64decode(str(document["audit_key"])),
        )
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise KeyMissing("the keyring in the archive is unreadable") from exc
    if active not in keyring.content_keys or len(keyring.audit_key) < 32:
        raise KeyMissing("the keyring in the archive is inconsistent")
    return keyring
