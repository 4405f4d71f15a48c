"""Password and secret hashing with argon2 (pwdlib's recommended settings)."""

import secrets

from pwdlib import PasswordHash

_hasher = PasswordHash.recommended()
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
