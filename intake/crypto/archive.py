"""Backup archives: a stream of AES-256-GCM chunks under a key derived from the keys folder."""

from __future__ import annotations

import hmac
import io
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from intake.crypto import sealing
from intake.crypto.keyring import (
    CryptoError,
    DecryptionFailed,
    Keyring,
)
from intake.crypto.sealing import SCRYPT_P, SCRYPT_R

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


# --- One organisation's export --------------------------------------------------------
#
# An export travels to another host, which has none of this host's keys: it is encrypted
# under a passphrase the operator chooses (scrypt, then the archive stream above). The
# file starts with its own magic and the scrypt salt; what follows is an ordinary archive
# stream whose "keys" are derived from the passphrase, so a wrong passphrase is told apart
# from a damaged file by the stream's fingerprint.

EXPORT_MAGIC = b"INTAKE-ORG-EXPORT\n"
_EXPORT_SALT_BYTES = 16


class WrongExportPassphrase(CryptoError):
    """The export was made with another passphrase."""


def _passphrase_keyring(passphrase: str, salt: bytes, log_n: int) -> Keyring:
    material = Scrypt(salt=salt, length=96, n=2**log_n, r=SCRYPT_R, p=SCRYPT_P).derive(
        passphrase.encode("utf-8")
    )
    return Keyring({"export": material[:32]}, "export", material[32:64], material[64:])


def export_writer(raw: Any, passphrase: str) -> BackupWriter:
    """Start an export file in ``raw``; write its plaintext to what is returned, then
    ``finish()`` it. The scrypt cost travels in the file's head."""
    salt = secrets.token_bytes(_EXPORT_SALT_BYTES)
    log_n = sealing.SCRYPT_N.bit_length() - 1
    raw.write(EXPORT_MAGIC + salt + bytes([log_n]))
    return BackupWriter(raw, _passphrase_keyring(passphrase, salt, log_n))


def export_reader(raw: Any, passphrase: str) -> BackupReader:
    """The plaintext of an export file; raises NotABackup or WrongExportPassphrase."""
    size = len(EXPORT_MAGIC) + _EXPORT_SALT_BYTES + 1
    head = _read_up_to(raw, size)
    if len(head) < size or not head.startswith(EXPORT_MAGIC) or not 10 <= head[-1] <= 22:
        raise NotABackup("not an Intake organisation export")
    salt = head[len(EXPORT_MAGIC) : -1]
    try:
        return BackupReader(raw, _passphrase_keyring(passphrase, salt, head[-1]))
    except BackupKeysDiffer as exc:
        raise WrongExportPassphrase("the export was made with another passphrase") from exc
