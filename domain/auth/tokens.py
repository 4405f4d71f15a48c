"""The one module that makes and checks JWTs (python-jose, RS256 only) and publishes the JWKS,
and that holds the server's keys: the signing key and SECRET_KEY.

Access tokens and signed credentials (certificates) both use these keys; the `kid` header names
the key, and verification always pins the algorithm and requires exp, iat, sub, iss and aud. A
token signed with the real key is still refused when it claims to be issued in the future or to
live longer than ACCESS_TOKEN_MINUTES: we never issue such a token, so one that exists was made
with a leaked key or a broken clock, and it must not outlive a password change by years."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeGuard

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt
from jose.exceptions import JOSEError

from domain.settings import Settings

ALGORITHM = "RS256"
REQUIRED_CLAIMS = ("exp", "iat", "sub", "iss", "aud")
# How far ahead of our clock another API process's clock may be when it issues a token.
CLOCK_SKEW_SECONDS = 60


class InvalidToken(Exception):
    """Any token we did not issue, or no longer accept. The message is safe to show."""


class VerifiedTokens:
    """Access tokens already verified (signature, algorithm, issuer, audience, required claims),
    kept until they expire, so that a client's next request skips the RSA check and the parsing
    (most of the cost of a request that sends the same token again). Bounded: the least recently
    used goes first. Only what the token itself says is cached: whether the account behind it is
    still enabled, still exists and keeps its credentials version is read on every request."""

    def __init__(self, maxsize: int = 4096):
        self.maxsize = maxsize
        self._claims: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def get(self, token: str) -> dict[str, Any] | None:
        claims = self._claims.get(token)
        if claims is None:
            return None
        if claims["exp"] <= time.time():  # expired since: verify again (and refuse)
            self._claims.pop(token, None)
            return None
        try:  # another thread (a test server) may have dropped it meanwhile
            self._claims.move_to_end(token)
        except KeyError:
            pass
        return dict(claims)  # a copy: callers may not change what the next request reads

    def put(self, token: str, claims: dict[str, Any]) -> None:
        if not isinstance(claims.get("exp"), int | float):
            return
        self._claims[token] = dict(claims)
        while len(self._claims) > self.maxsize:
            try:
                self._claims.popitem(last=False)
            except KeyError:
                break

    def __len__(self) -> int:
        return len(self._claims)


@dataclass(frozen=True)
class KeyPair:
    kid: str
    private_pem: str | None
    public_pem: str

    @property
    def public_jwk(self) -> dict[str, str]:
        data = jwk.construct(self.public_pem, ALGORITHM).to_dict()
        return {"kty": "RSA", "use": "sig", "alg": ALGORITHM, "kid": self.kid, "n": data["n"], "e": data["e"]}


def _thumbprint(public_pem: str) -> str:
    """RFC 7638 JWK thumbprint: a kid that changes whenever the key does."""
    data = jwk.construct(public_pem, ALGORITHM).to_dict()
    canonical = json.dumps({"e": data["e"], "kty": "RSA", "n": data["n"]}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).decode().rstrip("=")


def _public_pem(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def _kept(path: Path, make: Callable[[], bytes]) -> str:
    """The file's text, made on first run (GENERATE_KEYS): outside the repository, readable by
    the owner only, written atomically so that concurrent first runs end with one value."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
        tmp.write_bytes(make())
        tmp.chmod(0o600)
        tmp.replace(path)
    return path.read_text()


def _new_private_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _new_secret() -> bytes:
    return secrets.token_urlsafe(48).encode()


def secret_key(settings: Settings) -> str:
    """The HMAC secret of opaque tokens: SECRET_KEY, or the one kept in key_dir (GENERATE_KEYS)."""
    return settings.secret_key or _kept(settings.key_dir / "secret-key", _new_secret)


class KeyRing:
    """The signing key and the public keys still accepted (for rotation)."""

    def __init__(self, settings: Settings):
        settings.check_keys()  # configured, or GENERATE_KEYS: made below
        if settings.jwt_private_key:
            private_pem = settings.jwt_private_key
        elif settings.jwt_private_key_file:
            private_pem = Path(settings.jwt_private_key_file).read_text()
        else:
            private_pem = _kept(settings.key_dir / "signing-key.pem", _new_private_pem)
        # The HMAC secret of opaque tokens (secret calendar-feed URLs).
        self.secret_key = secret_key(settings)
        public_pem = _public_pem(private_pem)
        self.signing = KeyPair(_thumbprint(public_pem), private_pem, public_pem)
        # Parsed once: loading a PEM private key checks the RSA key (tens of milliseconds), which
        # python-jose would otherwise repeat for every token it signs.
        self._signer = jwk.construct(private_pem, ALGORITHM)
        previous = [p.strip() + "\n" for p in (settings.jwt_previous_public_keys or "").split("\n\n") if p.strip()]
        self.keys = {self.signing.kid: self.signing} | {
            _thumbprint(p): KeyPair(_thumbprint(p), None, p) for p in previous
        }
        self._verifiers = {kid: jwk.construct(pair.public_pem, ALGORITHM) for kid, pair in self.keys.items()}
        self.issuer = settings.jwt_issuer
        self.audience = settings.jwt_audience
        self.access_ttl = timedelta(minutes=settings.access_token_minutes)
        self.verified = VerifiedTokens()

    def jwks(self) -> dict[str, Any]:
        return {"keys": [k.public_jwk for k in self.keys.values()]}

    def sign(self, claims: dict[str, Any], *, typ: str = "JWT") -> str:
        return jwt.encode(claims, self._signer, algorithm=ALGORITHM, headers={"kid": self.signing.kid, "typ": typ})

    def issue_access_token(
        self, *, subject: str, claims: dict[str, Any], now: datetime | None = None
    ) -> tuple[str, int]:
        now = now or datetime.now(UTC)
        payload = {
            **claims,
            "sub": subject,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int((now + self.access_ttl).timestamp()),
            "jti": uuid.uuid4().hex,
        }
        return self.sign(payload), int(self.access_ttl.total_seconds())

    def decode(self, token: str, *, audience: str | None = None) -> dict[str, Any]:
        if audience is None and (claims := self.verified.get(token)) is not None:
            return claims
        claims = self._verify(token, audience=audience)
        if audience is None:
            self.verified.put(token, claims)
        return claims

    def _verify(self, token: str, *, audience: str | None) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except JOSEError:
            raise InvalidToken("malformed token") from None
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("unsupported algorithm")
        kid = header.get("kid")
        key = self._verifiers.get(kid) if isinstance(kid, str) else None  # a crafted header may hold any JSON there
        if key is None:
            raise InvalidToken("unknown signing key")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=audience or self.audience,
                issuer=self.issuer,
                options={f"require_{claim}": True for claim in REQUIRED_CLAIMS} | {"leeway": 0},
            )
        except JOSEError as exc:
            raise InvalidToken(_reason(exc)) from None
        except TypeError:  # python-jose's int() of an iat, exp or nbf that is a list or an object
            raise InvalidToken("invalid time claim") from None
        check_lifetime(claims, max_lifetime=self.access_ttl, now=time.time())
        return claims


def check_lifetime(claims: dict[str, Any], *, max_lifetime: timedelta, now: float) -> None:
    """Refuse what we never issue: no iat or exp, an iat in the future (beyond the clock skew
    between processes), or a lifetime (exp - iat) longer than the configured one."""
    issued, expires = claims.get("iat"), claims.get("exp")
    if issued is None or expires is None:
        raise InvalidToken("required claim missing")
    if not _is_number(issued) or not _is_number(expires):
        raise InvalidToken("iat and exp must be numbers (seconds since the epoch)")
    if issued > now + CLOCK_SKEW_SECONDS:
        raise InvalidToken("issued in the future")
    if expires - issued > max_lifetime.total_seconds():
        raise InvalidToken("lifetime longer than this server issues")


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _reason(exc: JOSEError) -> str:
    text = str(exc).lower()
    for word, reason in (
        ("expired", "token expired"),
        ("before", "token not yet valid"),
        ("audience", "wrong audience"),
        ("issuer", "wrong issuer"),
        ("signature", "bad signature"),
        ("missing", "required claim missing"),
    ):
        if word in text:
            return reason
    return "invalid token"
