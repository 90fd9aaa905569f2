"""Content encryption and keyed digests under the server-held keyring.

Content ciphertext layout: version byte, key-id length, key id, 12-byte nonce, AES-GCM
output. The associated data binds a ciphertext to its table, column and row, so a value
copied into another row or column does not decrypt."""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from intake.crypto.keyring import (
    DecryptionFailed,
    Keyring,
)

FORMAT_VERSION = 1


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
    if len(nonce) != 12 or len(sealed) < 16:
        raise DecryptionFailed("truncated ciphertext")
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


def enrolment_digest(keyring: Keyring, token: str) -> str:
    """The only form in which a staff enrolment token is stored or looked up.

    Keyed like tracking codes, with its own prefix so neither kind of value can stand in
    for the other."""
    mac = hmac.new(keyring.tracking_pepper, b"enrolment:" + token.encode(), "sha256")
    return mac.hexdigest()


def line_user_digest(keyring: Keyring, user_id: str) -> str:
    """The only form in which a LINE user id is looked up (a chat is found by it); the id
    itself is kept only encrypted, with the case it filed."""
    mac = hmac.new(keyring.tracking_pepper, b"line-user:" + user_id.encode(), "sha256")
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


def audit_mac(key: bytes, previous: str, entry: str) -> str:
    """Chains an audit entry to the one before it; without the key no one can re-chain."""
    return hmac.new(key, f"{previous}\n{entry}".encode(), "sha256").hexdigest()
