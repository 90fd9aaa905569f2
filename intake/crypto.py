"""The one door to cryptography.

Everything that encrypts, decrypts, seals or digests goes through the verbs here; no
other module imports ``cryptography``. Keys live in files under the keys folder
(``instance/keys`` by default), never in the database.

Content ciphertext layout: version byte, key-id length, key id, 12-byte nonce, AES-GCM
output. The associated data binds a ciphertext to its table, column and row, so a value
copied into another row or column does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT_VERSION = 1
CONTENT_KEYS_FILE = "content-keys.json"
TRACKING_PEPPER_FILE = "tracking-pepper"
KEY_FILES = (CONTENT_KEYS_FILE, TRACKING_PEPPER_FILE)


class CryptoError(Exception):
    """Base of every error this module raises."""


class KeyMissing(CryptoError):
    """A key file is absent or unreadable; the message names which."""


class DecryptionFailed(CryptoError):
    """Wrong key, wrong binding or tampered ciphertext; never says which, on purpose."""


@dataclass
class Keyring:
    """Server-held keys. None of them can open a sealed whistleblower identity."""

    content_keys: dict[str, bytes]
    active_content_key: str
    tracking_pepper: bytes
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
    )


def _write_private(path: Path, data: bytes) -> None:
    """Write atomically with owner-only permissions."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


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
    keyring.path = keys_dir


def missing_key_files(keys_dir: Path) -> list[str]:
    return [name for name in KEY_FILES if not (keys_dir / name).is_file()]


def load_keyring(keys_dir: Path) -> Keyring:
    missing = missing_key_files(keys_dir)
    if missing:
        raise KeyMissing(f"missing key files in {keys_dir}: {', '.join(missing)}")
    try:
        document = json.loads((keys_dir / CONTENT_KEYS_FILE).read_text("utf-8"))
        content_keys = {kid: base64.b64decode(v) for kid, v in document["keys"].items()}
        active = document["active"]
        pepper = base64.b64decode((keys_dir / TRACKING_PEPPER_FILE).read_bytes().strip())
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise KeyMissing(f"unreadable key files in {keys_dir}") from exc
    if active not in content_keys or any(len(k) != 32 for k in content_keys.values()):
        raise KeyMissing(f"content key file in {keys_dir} is inconsistent")
    if len(pepper) < 32:
        raise KeyMissing(f"tracking pepper in {keys_dir} is too short")
    return Keyring(content_keys, active, pepper, path=keys_dir)


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


def _binding(table: str, column: str, row_id: str) -> bytes:
    return f"intake:{table}:{column}:{row_id}".encode()


def encrypt_field(
    keyring: Keyring, plaintext: str | bytes, *, table: str, column: str, row_id: str
) -> bytes:
    data = plaintext.encode("utf-8") if isinstance(plaintext, str) else plaintext
    key_id, key = keyring.active_key()
    kid = key_id.encode("ascii")
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(key).encrypt(nonce, data, _binding(table, column, row_id))
    return bytes([FORMAT_VERSION, len(kid)]) + kid + nonce + sealed


def ciphertext_key_id(blob: bytes) -> str:
    if len(blob) < 2 or blob[0] != FORMAT_VERSION:
        raise DecryptionFailed("unknown ciphertext format")
    return blob[2 : 2 + blob[1]].decode("ascii", errors="replace")


def decrypt_field(keyring: Keyring, blob: bytes, *, table: str, column: str, row_id: str) -> bytes:
    key_id = ciphertext_key_id(blob)
    key = keyring.content_keys.get(key_id)
    if key is None:
        raise DecryptionFailed("ciphertext names a key this server does not hold")
    start = 2 + blob[1]
    nonce, sealed = blob[start : start + 12], blob[start + 12 :]
    try:
        return AESGCM(key).decrypt(nonce, sealed, _binding(table, column, row_id))
    except InvalidTag as exc:
        raise DecryptionFailed("ciphertext does not open with this binding") from exc


def decrypt_text(keyring: Keyring, blob: bytes, *, table: str, column: str, row_id: str) -> str:
    return decrypt_field(keyring, blob, table=table, column=column, row_id=row_id).decode("utf-8")


def tracking_digest(keyring: Keyring, normalized_code: str) -> str:
    """The only form in which a tracking code is stored or looked up."""
    mac = hmac.new(keyring.tracking_pepper, b"tracking:" + normalized_code.encode(), "sha256")
    return mac.hexdigest()


def seal_token(keyring: Keyring, text: str, *, purpose: str) -> str:
    """Encrypt a short value to carry in the signed session cookie (which is not secret)."""
    blob = encrypt_field(keyring, text, table="session", column=purpose, row_id="-")
    return base64.urlsafe_b64encode(blob).decode("ascii")


def open_token(keyring: Keyring, token: str, *, purpose: str) -> str:
    try:
        blob = base64.urlsafe_b64decode(token.encode("ascii"))
    except (ValueError, binascii.Error) as exc:
        raise DecryptionFailed("malformed token") from exc
    return decrypt_text(keyring, blob, table="session", column=purpose, row_id="-")


def fingerprint(data: bytes) -> str:
    """A short non-secret digest, for naming things without revealing them."""
    return hashlib.sha256(data).hexdigest()[:16]
