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
import hmac
import io
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from intake import durable
from intake.filemodes import make_private_folder

FORMAT_VERSION = 1
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


# --- Whistleblower identities -------------------------------------------------------
#
# The organisation has an identity key pair (X25519). Identities are sealed to its public
# half: an ephemeral X25519 exchange, HKDF-SHA256 and AES-256-GCM, the associated data
# naming the case. The private half is never stored in the clear: it is sealed to each
# custodian's own public key (a "grant"), and each custodian's private key is wrapped
# under their passphrase with scrypt. So one custodian's passphrase opens identities;
# adding a custodian or rotating the identity key needs one passphrase, not everyone's;
# and nothing the server holds by itself opens an identity.

SEAL_VERSION = 1
WRAP_VERSION = 1
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PASSPHRASE_LENGTH = 12


class WrongPassphrase(CryptoError):
    """The passphrase does not open this custodian's key."""


@dataclass(frozen=True)
class KeyPair:
    private: bytes  # raw 32 bytes; callers must not store it
    public: bytes  # raw 32 bytes


def generate_keypair() -> KeyPair:
    private = X25519PrivateKey.generate()
    return KeyPair(
        private=private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()),
        public=private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
    )


def _seal_key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    return HKDF(
        algorithm=SHA256(),
        length=32,
        salt=ephemeral_public + recipient_public,
        info=b"intake sealed box v1",
    ).derive(shared)


def seal(recipient_public: bytes, plaintext: bytes, *, context: str) -> bytes:
    """Encrypt to a public key; only its private half (and ``context``) opens it."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    key = _seal_key(shared, ephemeral_public, recipient_public)
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(key).encrypt(nonce, plaintext, context.encode())
    return bytes([SEAL_VERSION]) + ephemeral_public + nonce + sealed


def open_sealed(private: bytes, blob: bytes, *, context: str) -> bytes:
    if len(blob) < 1 + 32 + 12 + 16 or blob[0] != SEAL_VERSION:
        raise DecryptionFailed("not a sealed value")
    ephemeral_public, nonce, sealed = blob[1:33], blob[33:45], blob[45:]
    recipient = X25519PrivateKey.from_private_bytes(private)
    recipient_public = recipient.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = recipient.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    key = _seal_key(shared, ephemeral_public, recipient_public)
    try:
        return AESGCM(key).decrypt(nonce, sealed, context.encode())
    except InvalidTag as exc:
        raise DecryptionFailed("sealed value does not open here") from exc


def identity_context(case_id: str) -> str:
    return f"intake:identity:{case_id}"


def seal_identity(identity_public: bytes, identity: str, *, case_id: str) -> bytes:
    return seal(identity_public, identity.encode("utf-8"), context=identity_context(case_id))


def open_identity(identity_private: bytes, blob: bytes, *, case_id: str) -> str:
    return open_sealed(identity_private, blob, context=identity_context(case_id)).decode("utf-8")


def _passphrase_key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def wrap_with_passphrase(secret: bytes, passphrase: str, *, context: str) -> bytes:
    """scrypt(passphrase) → AES-256-GCM; the cost parameters travel with the blob."""
    salt = secrets.token_bytes(16)
    key = _passphrase_key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    nonce = secrets.token_bytes(12)
    header = bytes([WRAP_VERSION, SCRYPT_N.bit_length() - 1, SCRYPT_R, SCRYPT_P])
    sealed = AESGCM(key).encrypt(nonce, secret, header + context.encode())
    return header + salt + nonce + sealed


def unwrap_with_passphrase(blob: bytes, passphrase: str, *, context: str) -> bytes:
    if len(blob) < 4 + 16 + 12 + 16 or blob[0] != WRAP_VERSION:
        raise DecryptionFailed("not a wrapped key")
    header, salt, nonce, sealed = blob[:4], blob[4:20], blob[20:32], blob[32:]
    log_n, r, p = header[1], header[2], header[3]
    if not 14 <= log_n <= 22:
        raise DecryptionFailed("unreasonable scrypt cost")
    key = _passphrase_key(passphrase, salt, 2**log_n, r, p)
    try:
        return AESGCM(key).decrypt(nonce, sealed, header + context.encode())
    except InvalidTag as exc:
        raise WrongPassphrase("the passphrase does not open this key") from exc


def audit_mac(key: bytes, previous: str, entry: str) -> str:
    """Chains an audit entry to the one before it; without the key no one can re-chain."""
    return hmac.new(key, f"{previous}\n{entry}".encode(), "sha256").hexdigest()


# --- Backup archives ----------------------------------------------------------------
#
# An archive is a header and then a stream of AES-256-GCM chunks (the STREAM construction:
# each nonce is the chunk's number and a flag for the last chunk, so chunks cannot be
# reordered, dropped or cut off at the end without it showing). Its key comes from the
# tracking pepper and the audit key with a random salt per archive: those two keys never
# rotate, so an archive opens with a copy of the keys folder and with nothing else, and
# the archive carries no key at all. The header names the keys by a fingerprint, so a
# restore with another instance's keys folder says so instead of "damaged".

BACKUP_MAGIC = b"INTAKE-BACKUP\n"
BACKUP_VERSION = 1
BACKUP_CHUNK = 64 * 1024
_BACKUP_SALT_BYTES = 16
_FINGERPRINT_BYTES = 6
_TAG_BYTES = 16
_BACKUP_HEADER_BYTES = len(BACKUP_MAGIC) + 1 + _BACKUP_SALT_BYTES + _FINGERPRINT_BYTES


class NotABackup(CryptoError):
    """The file does not start like an archive of this format."""


class BackupKeysDiffer(CryptoError):
    """The archive was made with another keys folder; both fingerprints are given."""

    def __init__(self, archive: str, here: str) -> None:
        super().__init__(f"the archive was made with keys {archive}; the keys here are {here}")
        self.archive = archive
        self.here = here


def _fingerprint_bytes(keyring: Keyring) -> bytes:
    mac = hmac.new(keyring.audit_key, b"fingerprint:" + keyring.tracking_pepper, "sha256")
    return mac.digest()[:_FINGERPRINT_BYTES]


def _show_fingerprint(raw: bytes) -> str:
    text = raw.hex()
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def keys_fingerprint(keyring: Keyring) -> str:
    """A short name for the keys folder that archives are made with (e.g. ``1a2b-3c4d-5e6f``)."""
    return _show_fingerprint(_fingerprint_bytes(keyring))


def _backup_aead(keyring: Keyring, salt: bytes) -> AESGCM:
    key = HKDF(SHA256(), 32, salt=salt, info=b"intake:backup:v1").derive(
        keyring.tracking_pepper + keyring.audit_key
    )
    return AESGCM(key)


def _chunk_nonce(number: int, last: bool) -> bytes:
    return number.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class BackupWriter:
    """A write-only file object that encrypts what is written to it, chunk by chunk.

    ``finish()`` writes the last chunk; an archive without it does not open. A full-size
    chunk is never the last one, so a reader knows the last chunk by its length.
    """

    def __init__(self, raw: Any, keyring: Keyring) -> None:
        salt = secrets.token_bytes(_BACKUP_SALT_BYTES)
        self._header = BACKUP_MAGIC + bytes([BACKUP_VERSION]) + salt + _fingerprint_bytes(keyring)
        self._aead = _backup_aead(keyring, salt)
        self._raw = raw
        self._pending = bytearray()
        self._number = 0
        raw.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        self._pending += data
        while len(self._pending) > BACKUP_CHUNK:
            self._seal(bytes(self._pending[:BACKUP_CHUNK]), last=False)
            del self._pending[:BACKUP_CHUNK]
        return len(data)

    def flush(self) -> None:
        self._raw.flush()

    def finish(self) -> None:
        if len(self._pending) == BACKUP_CHUNK:
            self._seal(bytes(self._pending), last=False)
            self._pending.clear()
        self._seal(bytes(self._pending), last=True)
        self._pending.clear()
        self._raw.flush()

    def _seal(self, plaintext: bytes, *, last: bool) -> None:
        nonce = _chunk_nonce(self._number, last)
        self._raw.write(self._aead.encrypt(nonce, plaintext, self._header))
        self._number += 1


class BackupReader(io.RawIOBase):
    """Reads an archive back as the plaintext it was written from, checking every chunk.

    Raises NotABackup, BackupKeysDiffer (at once, from the header) or DecryptionFailed (a
    damaged, altered or cut-off archive) — never returns a byte that did not authenticate.
    """

    def __init__(self, raw: Any, keyring: Keyring) -> None:
        super().__init__()
        header = _read_up_to(raw, _BACKUP_HEADER_BYTES)
        if len(header) < _BACKUP_HEADER_BYTES or not header.startswith(BACKUP_MAGIC):
            raise NotABackup("not an Intake backup archive")
        version = header[len(BACKUP_MAGIC)]
        if version != BACKUP_VERSION:
            raise NotABackup(f"backup archive format {version} is not known to this version")
        salt_at = len(BACKUP_MAGIC) + 1
        salt = header[salt_at : salt_at + _BACKUP_SALT_BYTES]
        theirs = header[salt_at + _BACKUP_SALT_BYTES :]
        ours = _fingerprint_bytes(keyring)
        if not hmac.compare_digest(theirs, ours):
            raise BackupKeysDiffer(_show_fingerprint(theirs), _show_fingerprint(ours))
        self._header = header
        self._aead = _backup_aead(keyring, salt)
        self._raw = raw
        self._plain = b""
        self._offset = 0
        self._number = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._offset >= len(self._plain) and not self._done:
            self._open_next_chunk()
        count = min(len(buffer), len(self._plain) - self._offset)
        buffer[:count] = self._plain[self._offset : self._offset + count]
        self._offset += count
        return count

    def _open_next_chunk(self) -> None:
        # A short read means the end of the file: bytes added after the last chunk become
        # part of it and its tag fails, as does a cut one.
        blob = _read_up_to(self._raw, BACKUP_CHUNK + _TAG_BYTES)
        last = len(blob) < BACKUP_CHUNK + _TAG_BYTES
        try:
            plain = self._aead.decrypt(_chunk_nonce(self._number, last), blob, self._header)
        except InvalidTag as exc:
            raise DecryptionFailed("the archive is damaged, altered or cut off") from exc
        self._plain, self._offset = plain, 0
        self._number += 1
        self._done = last


def _read_up_to(raw: Any, size: int) -> bytes:
    """``size`` bytes, or fewer only at the end of the file."""
    parts: list[bytes] = []
    wanted = size
    while wanted:
        part = raw.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)
