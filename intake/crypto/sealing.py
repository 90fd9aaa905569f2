"""Whistleblower identities: sealed to public keys, private keys wrapped under passphrases."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

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

from intake.crypto.keyring import (
    CryptoError,
    DecryptionFailed,
)

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
