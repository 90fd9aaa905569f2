"""The custodian every test instance starts with (see conftest's schema set-up)."""

from __future__ import annotations

from intake import crypto

CUSTODIAN = "custodian"
CUSTODIAN_PASSPHRASE = "correct horse battery staple"
# Read before conftest lowers the cost for the suite: tests/test_identity.py checks it.
PRODUCTION_SCRYPT_N = crypto.sealing.SCRYPT_N
