"""Field encryption, key files, tracking digests and sealed session tokens (intake.crypto)."""

from __future__ import annotations

import base64
import io
import json
import os
import secrets
import stat
from pathlib import Path

import pytest

from intake import crypto
from intake.crypto import (
    CONTENT_KEYS_FILE,
    FORMAT_VERSION,
    KEY_FILES,
    TRACKING_PEPPER_FILE,
    DecryptionFailed,
    KeyMissing,
    Keyring,
)

TABLE = "complaints"
COLUMN = "body"
ROW_ID = "0b6f4c1e-row-1"
WHERE = {"table": TABLE, "column": COLUMN, "row_id": ROW_ID}

THAI_TEXT = "ร้องเรียนการทุจริตในโครงการก่อสร้างถนน หมู่ ๔ ตำบลบ้านใหม่"
ONE_MEGABYTE = 1024 * 1024
CODE = "1234567890123456789012345678"
OTHER_CODE = "8765432109876543210987654321"


@pytest.fixture
def keyring() -> Keyring:
    return crypto.generate_keyring()


def _rotated(old: Keyring, new_id: str = "c2") -> Keyring:
    """The same server keys plus a second content key, made active."""
    return Keyring(
        content_keys={**old.content_keys, new_id: secrets.token_bytes(32)},
        active_content_key=new_id,
        tracking_pepper=old.tracking_pepper,
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- encrypt / decrypt ------------------------------------------------------------------


@pytest.mark.parametrize(
    "plaintext",
    [
        pytest.param("", id="empty-str"),
        pytest.param("hello", id="ascii-str"),
        pytest.param(THAI_TEXT, id="thai-str"),
        pytest.param("ก" * ONE_MEGABYTE, id="thai-str-3mb-utf8"),
    ],
)
def test_text_round_trips(keyring: Keyring, plaintext: str) -> None:
    # Given text encrypted for one row's column
    blob = crypto.encrypt_field(keyring, plaintext, **WHERE)
    # When it is decrypted with the same binding
    # Then the same text comes back
    assert crypto.decrypt_text(keyring, blob, **WHERE) == plaintext


@pytest.mark.parametrize(
    "plaintext",
    [
        pytest.param(b"", id="empty-bytes"),
        pytest.param(b"\x00\xff\x10binary", id="binary"),
        pytest.param(THAI_TEXT.encode("utf-8"), id="thai-utf8-bytes"),
        pytest.param(os.urandom(ONE_MEGABYTE), id="random-1mb"),
    ],
)
def test_bytes_round_trip(keyring: Keyring, plaintext: bytes) -> None:
    # Given bytes encrypted for one row's column
    blob = crypto.encrypt_field(keyring, plaintext, **WHERE)
    # When they are decrypted with the same binding
    # Then the same bytes come back
    assert crypto.decrypt_field(keyring, blob, **WHERE) == plaintext


def test_ciphertext_carries_format_version_and_key_id_but_not_plaintext(
    keyring: Keyring,
) -> None:
    # Given text encrypted under the active key
    key_id, _ = keyring.active_key()
    kid = key_id.encode("ascii")
    # When it is encrypted
    blob = crypto.encrypt_field(keyring, THAI_TEXT, **WHERE)
    # Then the header is version, key-id length, key id; then nonce, body and 16-byte tag
    assert blob[0] == FORMAT_VERSION
    assert blob[1] == len(kid)
    assert blob[2 : 2 + len(kid)] == kid
    assert crypto.ciphertext_key_id(blob) == key_id
    assert len(blob) == 2 + len(kid) + 12 + len(THAI_TEXT.encode("utf-8")) + 16
    # And the plaintext does not appear in it
    assert THAI_TEXT.encode("utf-8") not in blob


def test_same_plaintext_encrypts_differently_each_time(keyring: Keyring) -> None:
    # Given the same text encrypted twice for the same place
    first = crypto.encrypt_field(keyring, THAI_TEXT, **WHERE)
    second = crypto.encrypt_field(keyring, THAI_TEXT, **WHERE)
    # Then the ciphertexts differ (fresh nonce) and both open
    assert first != second
    assert first[:-16] != second[:-16]
    assert crypto.decrypt_text(keyring, first, **WHERE) == THAI_TEXT
    assert crypto.decrypt_text(keyring, second, **WHERE) == THAI_TEXT


@pytest.mark.parametrize(
    "moved_to",
    [
        pytest.param({**WHERE, "row_id": "0b6f4c1e-row-2"}, id="other-row"),
        pytest.param({**WHERE, "column": "reporter_name"}, id="other-column"),
        pytest.param({**WHERE, "table": "attachments"}, id="other-table"),
        pytest.param({"table": "session", "column": "body", "row_id": "-"}, id="session-slot"),
    ],
)
def test_ciphertext_moved_elsewhere_does_not_decrypt(
    keyring: Keyring, moved_to: dict[str, str]
) -> None:
    # Given a value encrypted for one row's column
    blob = crypto.encrypt_field(keyring, "secret", **WHERE)
    # When the same bytes are read as if they belonged somewhere else
    # Then decryption fails
    with pytest.raises(DecryptionFailed):
        crypto.decrypt_field(keyring, blob, **moved_to)


def test_every_flipped_byte_is_detected(keyring: Keyring) -> None:
    # Given a valid ciphertext
    blob = crypto.encrypt_field(keyring, "the mayor took the money", **WHERE)
    for position in range(len(blob)):
        # When any single byte is flipped (header, key id, nonce, body or tag)
        tampered = bytearray(blob)
        tampered[position] ^= 0x01
        # Then it does not decrypt
        with pytest.raises(DecryptionFailed):
            crypto.decrypt_field(keyring, bytes(tampered), **WHERE)


@pytest.mark.parametrize(
    "blob",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\x01", id="version-only"),
        pytest.param(b"\x02\x02c1" + bytes(28), id="unknown-version"),
    ],
)
def test_malformed_header_fails_as_decryption_failed(keyring: Keyring, blob: bytes) -> None:
    # Given bytes that are not a ciphertext in this format
    # When they are decrypted
    # Then the failure is DecryptionFailed, not an IndexError or similar
    with pytest.raises(DecryptionFailed):
        crypto.decrypt_field(keyring, blob, **WHERE)


def test_every_truncation_fails_as_decryption_failed(keyring: Keyring) -> None:
    # Given a valid ciphertext
    blob = crypto.encrypt_field(keyring, "x", **WHERE)
    for length in range(len(blob)):
        # When it is cut short anywhere (e.g. a damaged row)
        # Then the failure is DecryptionFailed, like every other bad ciphertext
        with pytest.raises(DecryptionFailed):
            crypto.decrypt_field(keyring, blob[:length], **WHERE)


def test_ciphertext_naming_unknown_key_id_fails(keyring: Keyring) -> None:
    # Given a ciphertext made under key "c7", which this server does not hold
    elsewhere = Keyring({"c7": secrets.token_bytes(32)}, "c7", keyring.tracking_pepper)
    blob = crypto.encrypt_field(elsewhere, "secret", **WHERE)
    assert crypto.ciphertext_key_id(blob) == "c7"
    # When this server decrypts it
    # Then it fails
    with pytest.raises(DecryptionFailed, match="does not hold"):
        crypto.decrypt_field(keyring, blob, **WHERE)


def test_ciphertext_under_different_key_with_same_id_fails(keyring: Keyring) -> None:
    # Given another installation's key that happens to be called "c1" too
    other = crypto.generate_keyring()
    assert other.active_content_key == keyring.active_content_key == "c1"
    blob = crypto.encrypt_field(other, "secret", **WHERE)
    # When this server decrypts it
    # Then it fails
    with pytest.raises(DecryptionFailed):
        crypto.decrypt_field(keyring, blob, **WHERE)


def test_rotation_keeps_old_ciphertexts_readable_and_uses_new_key(keyring: Keyring) -> None:
    # Given a value encrypted before rotation
    old_blob = crypto.encrypt_field(keyring, "before", **WHERE)
    # When a second content key is added and made active
    rotated = _rotated(keyring)
    new_blob = crypto.encrypt_field(rotated, "after", **WHERE)
    # Then the old value still decrypts and still names the old key
    assert crypto.ciphertext_key_id(old_blob) == "c1"
    assert crypto.decrypt_text(rotated, old_blob, **WHERE) == "before"
    # And new values carry the new key id and decrypt
    assert crypto.ciphertext_key_id(new_blob) == "c2"
    assert crypto.decrypt_text(rotated, new_blob, **WHERE) == "after"
    # And a server still on the old keyring cannot read them
    with pytest.raises(DecryptionFailed):
        crypto.decrypt_field(keyring, new_blob, **WHERE)


# --- key files --------------------------------------------------------------------------


def test_generated_keyring_has_one_256_bit_key_and_a_32_byte_pepper() -> None:
    # When a keyring is generated
    keyring = crypto.generate_keyring()
    # Then it has one active 32-byte content key and a 32-byte pepper
    assert list(keyring.content_keys) == ["c1"]
    assert keyring.active_key() == ("c1", keyring.content_keys["c1"])
    assert len(keyring.content_keys["c1"]) == 32
    assert len(keyring.tracking_pepper) == 32
    # And two generated keyrings share nothing
    other = crypto.generate_keyring()
    assert other.content_keys["c1"] != keyring.content_keys["c1"]
    assert other.tracking_pepper != keyring.tracking_pepper


@pytest.mark.parametrize("rotate", [False, True], ids=["one-key", "rotated-two-keys"])
def test_save_then_load_round_trips(tmp_path: Path, keyring: Keyring, rotate: bool) -> None:
    # Given a keyring (possibly rotated) saved to a keys folder
    original = _rotated(keyring) if rotate else keyring
    keys_dir = tmp_path / "keys"
    crypto.save_keyring(original, keys_dir)
    # When it is loaded back
    loaded = crypto.load_keyring(keys_dir)
    # Then the keys, the active key and the pepper are the same
    assert loaded == original
    assert loaded.active_content_key == original.active_content_key
    assert loaded.path == keys_dir
    # And a value encrypted before saving decrypts with the loaded keys
    blob = crypto.encrypt_field(original, THAI_TEXT, **WHERE)
    assert crypto.decrypt_text(loaded, blob, **WHERE) == THAI_TEXT


def test_saved_key_files_are_owner_only(tmp_path: Path, keyring: Keyring) -> None:
    # Given a keyring saved to a new keys folder
    keys_dir = tmp_path / "keys"
    crypto.save_keyring(keyring, keys_dir)
    # Then both files are mode 0600 and no temporary file is left behind
    assert {name: _mode(keys_dir / name) for name in KEY_FILES} == {
        CONTENT_KEYS_FILE: 0o600,
        TRACKING_PEPPER_FILE: 0o600,
        crypto.AUDIT_KEY_FILE: 0o600,
    }
    assert sorted(p.name for p in keys_dir.iterdir()) == sorted(KEY_FILES)
    # And the folder is owner-only too
    assert _mode(keys_dir) == 0o700


def test_saved_key_files_are_owner_only_even_over_a_stale_temp_file(
    tmp_path: Path, keyring: Keyring
) -> None:
    # Given a world-readable leftover temp file from an earlier, interrupted write
    keys_dir = tmp_path / "keys"
    keys_dir.mkdir(mode=0o700)
    stale = keys_dir / (CONTENT_KEYS_FILE + ".tmp")
    stale.write_bytes(b"leftover")
    stale.chmod(0o644)
    # When the keyring is saved
    crypto.save_keyring(keyring, keys_dir)
    # Then the key file is still owner-only
    assert _mode(keys_dir / CONTENT_KEYS_FILE) == 0o600


@pytest.mark.parametrize("missing", KEY_FILES)
def test_load_names_the_missing_file(tmp_path: Path, keyring: Keyring, missing: str) -> None:
    # Given a saved keyring with one file removed
    keys_dir = tmp_path / "keys"
    crypto.save_keyring(keyring, keys_dir)
    (keys_dir / missing).unlink()
    present = next(name for name in KEY_FILES if name != missing)
    # When it is loaded
    with pytest.raises(KeyMissing) as raised:
        crypto.load_keyring(keys_dir)
    # Then the message names the missing file, not the present one
    assert missing in str(raised.value)
    assert present not in str(raised.value)


def test_load_of_empty_folder_names_both_files(tmp_path: Path) -> None:
    # Given a keys folder that does not exist
    keys_dir = tmp_path / "nowhere"
    # When it is loaded
    with pytest.raises(KeyMissing) as raised:
        crypto.load_keyring(keys_dir)
    # Then both files are named
    assert CONTENT_KEYS_FILE in str(raised.value)
    assert TRACKING_PEPPER_FILE in str(raised.value)
    assert crypto.missing_key_files(keys_dir) == list(KEY_FILES)


@pytest.mark.parametrize(
    ("document", "pepper"),
    [
        pytest.param("not json", None, id="content-keys-not-json"),
        pytest.param(json.dumps({"keys": {}}), None, id="no-active"),
        pytest.param(
            json.dumps({"active": "c2", "keys": {"c1": "AA=="}}), None, id="active-not-present"
        ),
        pytest.param(
            json.dumps({"active": "c1", "keys": {"c1": base64.b64encode(bytes(16)).decode()}}),
            None,
            id="key-too-short",
        ),
        pytest.param(None, base64.b64encode(bytes(16)) + b"\n", id="pepper-too-short"),
        pytest.param(None, b"!!!not base64!!!", id="pepper-not-base64"),
    ],
)
def test_load_rejects_unreadable_or_inconsistent_files(
    tmp_path: Path, keyring: Keyring, document: str | None, pepper: bytes | None
) -> None:
    # Given saved key files, one of them then damaged
    keys_dir = tmp_path / "keys"
    crypto.save_keyring(keyring, keys_dir)
    if document is not None:
        (keys_dir / CONTENT_KEYS_FILE).write_text(document, "utf-8")
    if pepper is not None:
        (keys_dir / TRACKING_PEPPER_FILE).write_bytes(pepper)
    # When they are loaded
    # Then the failure is KeyMissing, which names the folder
    with pytest.raises(KeyMissing, match=str(keys_dir)):
        crypto.load_keyring(keys_dir)


@pytest.mark.parametrize(
    "document",
    [
        pytest.param({"active": "c1", "keys": ["AA=="]}, id="keys-is-a-list"),
        pytest.param({"active": ["c1"], "keys": {}}, id="active-is-a-list"),
    ],
)
def test_load_rejects_wrongly_shaped_json_as_key_missing(
    tmp_path: Path, keyring: Keyring, document: dict[str, object]
) -> None:
    # Given a content-keys file that is JSON of the wrong shape
    keys_dir = tmp_path / "keys"
    crypto.save_keyring(keyring, keys_dir)
    (keys_dir / CONTENT_KEYS_FILE).write_text(json.dumps(document), "utf-8")
    # When it is loaded
    # Then the failure is KeyMissing like any other unreadable key file
    with pytest.raises(KeyMissing):
        crypto.load_keyring(keys_dir)


def test_ensure_creates_once_then_loads_the_same_keys(tmp_path: Path) -> None:
    # Given an empty keys folder
    keys_dir = tmp_path / "keys"
    assert crypto.missing_key_files(keys_dir) == list(KEY_FILES)
    # When ensure_keyring runs the first time
    first = crypto.ensure_keyring(keys_dir)
    files_after_first = {name: (keys_dir / name).read_bytes() for name in KEY_FILES}
    # Then both files exist, owner-only
    assert crypto.missing_key_files(keys_dir) == []
    assert [_mode(keys_dir / name) for name in KEY_FILES] == [0o600] * len(KEY_FILES)
    # When it runs again
    second = crypto.ensure_keyring(keys_dir)
    # Then it loads the same keys and leaves the files untouched
    assert second == first
    assert {name: (keys_dir / name).read_bytes() for name in KEY_FILES} == files_after_first


@pytest.mark.parametrize("deleted", KEY_FILES)
def test_ensure_refuses_half_a_keyring(tmp_path: Path, deleted: str) -> None:
    # Given a keyring of which one file has gone
    keys_dir = tmp_path / "keys"
    crypto.ensure_keyring(keys_dir)
    (keys_dir / deleted).unlink()
    survivor = next(name for name in KEY_FILES if name != deleted)
    survivor_bytes = (keys_dir / survivor).read_bytes()
    # When ensure_keyring runs
    with pytest.raises(KeyMissing) as raised:
        crypto.ensure_keyring(keys_dir)
    # Then it names the missing file and regenerates nothing
    assert deleted in str(raised.value)
    assert not (keys_dir / deleted).exists()
    assert (keys_dir / survivor).read_bytes() == survivor_bytes


# --- tracking digest --------------------------------------------------------------------


def test_tracking_digest_is_deterministic_hex_and_not_the_code(keyring: Keyring) -> None:
    # When the same code is digested twice
    first = crypto.tracking_digest(keyring, CODE)
    second = crypto.tracking_digest(keyring, CODE)
    # Then the digest is the same, 64 hex characters (HMAC-SHA-256)
    assert first == second
    assert len(first) == 64
    assert set(first) <= set("0123456789abcdef")
    # And it neither is nor contains the code
    assert first != CODE
    assert CODE not in first
    # And another code digests differently
    assert crypto.tracking_digest(keyring, OTHER_CODE) != first


def test_tracking_digest_depends_on_pepper(keyring: Keyring) -> None:
    # Given two servers whose content keys are equal but peppers differ
    other = Keyring(dict(keyring.content_keys), keyring.active_content_key, os.urandom(32))
    # When the same code is digested on each
    # Then the digests differ
    assert crypto.tracking_digest(keyring, CODE) != crypto.tracking_digest(other, CODE)
    # And a rotated content key does not change the digest (lookups keep working)
    assert crypto.tracking_digest(_rotated(keyring), CODE) == crypto.tracking_digest(keyring, CODE)


# --- sealed tokens ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "case-42", THAI_TEXT], ids=["empty", "ascii", "thai"])
def test_seal_then_open_round_trips(keyring: Keyring, text: str) -> None:
    # Given a value sealed for one purpose
    token = crypto.seal_token(keyring, text, purpose="tracking")
    # Then the token is URL-safe ASCII that does not show the value
    assert token.isascii()
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")
    if text:
        assert text not in token
    # When it is opened for the same purpose
    # Then the value comes back
    assert crypto.open_token(keyring, token, purpose="tracking") == text


def test_sealing_twice_gives_different_tokens(keyring: Keyring) -> None:
    # When the same value is sealed twice
    first = crypto.seal_token(keyring, "case-42", purpose="tracking")
    second = crypto.seal_token(keyring, "case-42", purpose="tracking")
    # Then the tokens differ
    assert first != second


def test_token_opens_only_for_its_purpose(keyring: Keyring) -> None:
    # Given a token sealed for "tracking"
    token = crypto.seal_token(keyring, "case-42", purpose="tracking")
    # When it is opened for another purpose
    # Then it fails
    with pytest.raises(DecryptionFailed):
        crypto.open_token(keyring, token, purpose="draft")


def test_token_from_another_server_does_not_open(keyring: Keyring) -> None:
    # Given a token sealed by another installation
    token = crypto.seal_token(crypto.generate_keyring(), "case-42", purpose="tracking")
    # Then it does not open here
    with pytest.raises(DecryptionFailed):
        crypto.open_token(keyring, token, purpose="tracking")


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("", id="empty"),
        pytest.param("abc", id="bad-padding"),
        pytest.param("ไม่ใช่โทเค็น", id="non-ascii"),
    ],
)
def test_malformed_token_fails_as_decryption_failed(keyring: Keyring, token: str) -> None:
    # When something that is not a token is opened
    # Then the failure is DecryptionFailed
    with pytest.raises(DecryptionFailed):
        crypto.open_token(keyring, token, purpose="tracking")


def test_truncated_token_fails_as_decryption_failed(keyring: Keyring) -> None:
    # Given a sealed token cut short inside its nonce
    blob = base64.urlsafe_b64decode(crypto.seal_token(keyring, "case-42", purpose="tracking"))
    truncated = base64.urlsafe_b64encode(blob[:8]).decode("ascii")
    # When it is opened
    # Then the failure is DecryptionFailed
    with pytest.raises(DecryptionFailed):
        crypto.open_token(keyring, truncated, purpose="tracking")


@pytest.mark.parametrize(
    "size", [0, 1, crypto.BACKUP_CHUNK - 1, crypto.BACKUP_CHUNK, crypto.BACKUP_CHUNK + 1, 200_000]
)
def test_a_backup_stream_reads_back_what_was_written(size: int) -> None:
    keyring = crypto.generate_keyring()
    data = secrets.token_bytes(size)
    out = io.BytesIO()
    writer = crypto.BackupWriter(out, keyring)
    writer.write(data[: size // 3])
    writer.write(data[size // 3 :])
    writer.finish()
    assert crypto.BackupReader(io.BytesIO(out.getvalue()), keyring).read() == data


def test_a_backup_stream_refuses_other_keys_reordering_and_cuts() -> None:
    keyring = crypto.generate_keyring()
    out = io.BytesIO()
    writer = crypto.BackupWriter(out, keyring)
    writer.write(secrets.token_bytes(3 * crypto.BACKUP_CHUNK))
    writer.finish()
    blob = out.getvalue()
    with pytest.raises(crypto.BackupKeysDiffer):
        crypto.BackupReader(io.BytesIO(blob), crypto.generate_keyring())
    header = len(blob) - 3 * (crypto.BACKUP_CHUNK + 16) - 16  # three full chunks, one empty
    chunk = crypto.BACKUP_CHUNK + 16
    first, second = blob[header : header + chunk], blob[header + chunk : header + 2 * chunk]
    swapped = blob[:header] + second + first + blob[header + 2 * chunk :]
    cut_at_a_chunk = blob[: header + 2 * chunk]
    for bad in (swapped, cut_at_a_chunk, blob + b"x"):
        with pytest.raises(crypto.DecryptionFailed):
            crypto.BackupReader(io.BytesIO(bad), keyring).read()
    with pytest.raises(crypto.NotABackup):
        crypto.BackupReader(io.BytesIO(b"PK\x03\x04" + blob[4:]), keyring)
