"""The one door to cryptography.

Everything that encrypts, decrypts, seals or digests goes through the verbs here; no
module outside this package imports ``cryptography``. Keys live in files under the keys
folder (``instance/keys`` by default), never in the database.

- ``keyring``: the server-held keys and their files;
- ``fields``: content encryption bound to table, column and row, and keyed digests;
- ``sealing``: whistleblower identities sealed to public keys, passphrase wrapping;
- ``archive``: the encrypted stream of backup archives.

The scrypt work factor is read as ``crypto.sealing.SCRYPT_N`` (tests lower it), so it is
not repeated here: a copy would not change what the sealing module uses.
"""

from intake.crypto.archive import (
    BACKUP_CHUNK,
    BACKUP_MAGIC,
    BACKUP_VERSION,
    BackupKeysDiffer,
    BackupReader,
    BackupWriter,
    NotABackup,
    keys_fingerprint,
)
from intake.crypto.fields import (
    FORMAT_VERSION,
    audit_mac,
    ciphertext_key_id,
    decrypt_field,
    decrypt_text,
    encrypt_field,
    enrolment_digest,
    open_token,
    seal_token,
    tracking_digest,
)
from intake.crypto.keyring import (
    AUDIT_KEY_FILE,
    CONTENT_KEYS_FILE,
    KEY_FILES,
    TRACKING_PEPPER_FILE,
    CryptoError,
    DecryptionFailed,
    KeyMissing,
    Keyring,
    add_content_key,
    ensure_keyring,
    generate_keyring,
    load_keyring,
    missing_key_files,
    retire_content_keys,
    save_keyring,
)
from intake.crypto.sealing import (
    MIN_PASSPHRASE_LENGTH,
    SCRYPT_P,
    SCRYPT_R,
    SEAL_VERSION,
    WRAP_VERSION,
    KeyPair,
    WrongPassphrase,
    generate_keypair,
    identity_context,
    open_identity,
    open_sealed,
    seal,
    seal_identity,
    unwrap_with_passphrase,
    wrap_with_passphrase,
)

__all__ = [
    "AUDIT_KEY_FILE",
    "BACKUP_CHUNK",
    "BACKUP_MAGIC",
    "BACKUP_VERSION",
    "CONTENT_KEYS_FILE",
    "FORMAT_VERSION",
    "KEY_FILES",
    "MIN_PASSPHRASE_LENGTH",
    "SCRYPT_P",
    "SCRYPT_R",
    "SEAL_VERSION",
    "TRACKING_PEPPER_FILE",
    "WRAP_VERSION",
    "BackupKeysDiffer",
    "BackupReader",
    "BackupWriter",
    "CryptoError",
    "DecryptionFailed",
    "KeyMissing",
    "KeyPair",
    "Keyring",
    "NotABackup",
    "WrongPassphrase",
    "add_content_key",
    "audit_mac",
    "ciphertext_key_id",
    "decrypt_field",
    "decrypt_text",
    "encrypt_field",
    "ensure_keyring",
    "enrolment_digest",
    "generate_keypair",
    "generate_keyring",
    "identity_context",
    "keys_fingerprint",
    "load_keyring",
    "missing_key_files",
    "open_identity",
    "open_sealed",
    "open_token",
    "retire_content_keys",
    "save_keyring",
    "seal",
    "seal_identity",
    "seal_token",
    "tracking_digest",
    "unwrap_with_passphrase",
    "wrap_with_passphrase",
]
