"""Password and secret hashing with argon2 (pwdlib's recommended settings)."""

import os
import secrets

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

# The test suite alone sets TADRIB_TEST_PASSWORD_HASHING: still argon2, at its cheapest cost, so
# that hundreds of test accounts do not each spend 64 MiB and a tenth of a second. A stored hash
# carries its own cost, so either setting verifies every hash.
_TEST_COST = os.environ.get("TADRIB_TEST_PASSWORD_HASHING") == "1"
_hasher = (
    PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1),))
    if _TEST_COST
    else PasswordHash.recommended()
)
# Verifying against this when the account does not exist keeps timing alike for both cases.
_DUMMY = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, hashed: str | None) -> bool:
    if hashed is None:
        _hasher.verify(password, _DUMMY)
        return False
    return _hasher.verify(password, hashed)


def new_secret() -> str:
    return secrets.token_urlsafe(32)
