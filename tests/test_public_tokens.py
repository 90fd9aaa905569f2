"""What a public session token carries is sealed by ``services.public_tokens``: it opens
only with our keys and for the purpose it was sealed for, and anything else reads as no
token at all."""

from __future__ import annotations

from flask import Flask

from intake import crypto
from intake.services import public_tokens
from intake.services.keyring import current_keyring


def test_a_sealed_payload_opens_for_its_own_purpose_only(app: Flask) -> None:
    with app.app_context():
        keyring = current_keyring()
        # Given a receipt sealed for the session
        token = public_tokens.seal(keyring, {"reference": "ทจ-2569-00001"}, purpose="receipt")

        # Then it reads back for that purpose, and as nothing for another
        assert public_tokens.opened(keyring, token, purpose="receipt") == {
            "reference": "ทจ-2569-00001"
        }
        assert public_tokens.opened(keyring, token, purpose="tracked-case") is None
        # ...and it names no case in the clear
        assert "ทจ" not in token and "2569" not in token


def test_a_missing_altered_or_foreign_token_reads_as_none(app: Flask) -> None:
    with app.app_context():
        keyring = current_keyring()
        token = public_tokens.seal(keyring, {"case": "c-1"}, purpose="tracked-case")
        altered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
        for sent in (None, "", altered, "not base64 at all!", token[:20]):
            assert public_tokens.opened(keyring, sent, purpose="tracked-case") is None


def test_a_token_that_is_not_an_object_reads_as_none(app: Flask) -> None:
    with app.app_context():
        keyring = current_keyring()
        # A list sealed under the right key and purpose is still not a payload
        listed = crypto.seal_token(keyring, "[1, 2]", purpose="receipt")
        assert public_tokens.opened(keyring, listed, purpose="receipt") is None
