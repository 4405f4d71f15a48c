"""Sign-in and token checks: every forged, stale or misdirected token is a 401 problem."""

import base64
import json
import time
import uuid
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt
from sqlalchemy import update

from domain.auth.passwords import hash_password
from domain.models.auth import User


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@pytest.fixture
async def account(db):
    user = User(
        username="coord.one", password_hash=hash_password("correct horse battery"), role="coordinator", disabled=False
    )
    user.programmes = []
    db.add(user)
    await db.flush()
    return user


async def token_for(anonymous, username="coord.one", password="correct horse battery") -> httpx.Response:
    return await anonymous.post(
        "/auth/token", data={"grant_type": "password", "username": username, "password": password}
    )


def claims(app, user_id, **overrides):
    now = int(time.time())
    base = {
        "sub": f"user:{user_id}",
        "role": "coordinator",
        "iss": "tadrib",
        "aud": "tadrib-api",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "cv": 1,  # the account's credentials version: without it every forged token would fail for that alone
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


async def me_with(anonymous, token: str) -> httpx.Response:
    return await anonymous.get("/me", headers={"Authorization": f"Bearer {token}"})


async def test_password_grant_gives_a_token_that_works(anonymous, account):
    r = await token_for(anonymous)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 1800
    me = await me_with(anonymous, body["access_token"])
    assert me.status_code == 200
    assert me.json()["name"] == "coord.one" and me.json()["role"] == "coordinator"


async def test_token_is_rs256_with_a_kid_published_in_the_jwks(anonymous, account, app):
    token = (await token_for(anonymous)).json()["access_token"]
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    jwks = (await anonymous.get("http://test/.well-known/jwks.json")).json()
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    decoded = jwt.decode(token, key, algorithms=["RS256"], audience="tadrib-api", issuer="tadrib")
    assert decoded["sub"] == f"user:{account.id}"
    assert {"exp", "iat", "sub", "iss", "aud"} <= decoded.keys()
    assert decoded["exp"] - decoded["iat"] == 30 * 60


async def test_wrong_password_is_invalid_grant(anonymous, account):
    r = await token_for(anonymous, password="wrong password!!")
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["error"] == "invalid_grant"


async def test_unknown_grant_type_is_refused(anonymous):
    # RFC 6749 §5.2: an unsupported grant is a 400 with error=unsupported_grant_type, never cached.
    r = await anonymous.post("/auth/token", data={"grant_type": "implicit"})
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["error"] == "unsupported_grant_type" and r.headers["cache-control"] == "no-store"


async def test_missing_token_is_401_with_www_authenticate(anonymous):
    r = await anonymous.get("/me")
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert r.headers["content-type"].startswith("application/problem+json")


def _forged(app, account, kind):
    keyring = app.state.keyring
    if kind == "alg-none":
        header = b64(json.dumps({"alg": "none", "kid": keyring.signing.kid}).encode())
        return f"{header}.{b64(json.dumps(claims(app, account.id)).encode())}."
    if kind == "hs256-with-public-key":
        import hashlib
        import hmac

        header = b64(json.dumps({"alg": "HS256", "kid": keyring.signing.kid, "typ": "JWT"}).encode())
        payload = b64(json.dumps(claims(app, account.id)).encode())
        sig = hmac.new(keyring.signing.public_pem.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{b64(sig)}"
    if kind == "expired":
        token, _ = keyring.issue_access_token(
            subject=f"user:{account.id}", claims={}, now=datetime.now(UTC) - timedelta(hours=1)
        )
        return token
    if kind == "not-yet-valid":
        return keyring.sign(
            claims(
                app, account.id, nbf=int(time.time()) + 3600, iat=int(time.time()) + 3600, exp=int(time.time()) + 7200
            )
        )
    if kind == "iat-years-ahead":  # no nbf: only the iat says it is from the future
        ahead = int(time.time()) + 3 * 365 * 86400
        return keyring.sign(claims(app, account.id, nbf=None, iat=ahead, exp=ahead + 600))
    if kind == "ten-year-lifetime":
        return keyring.sign(claims(app, account.id, exp=int(time.time()) + 10 * 365 * 86400))
    if kind == "missing-iat":
        return keyring.sign(claims(app, account.id, iat=None))
    if kind == "wrong-aud":
        return keyring.sign(claims(app, account.id, aud="someone-else"))
    if kind == "wrong-iss":
        return keyring.sign(claims(app, account.id, iss="https://evil.example"))
    if kind == "missing-exp":
        return keyring.sign(claims(app, account.id, exp=None))
    if kind == "missing-sub":
        return keyring.sign(claims(app, account.id, sub=None))
    if kind == "tampered":
        token = keyring.sign(claims(app, account.id))
        header, _, sig = token.split(".")
        payload = b64(json.dumps(claims(app, account.id, role="admin", sub=f"user:{uuid.uuid4()}")).encode())
        return f"{header}.{payload}.{sig}"
    if kind == "unknown-kid":
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = other.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        return jwt.encode(claims(app, account.id), pem, algorithm="RS256", headers={"kid": "not-ours"})
    if kind == "other-key-our-kid":
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = other.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        return jwt.encode(claims(app, account.id), pem, algorithm="RS256", headers={"kid": keyring.signing.kid})
    if kind == "kid-not-a-string":
        header = b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": [keyring.signing.kid]}).encode())
        return f"{header}.{b64(json.dumps(claims(app, account.id)).encode())}.{b64(b'signature')}"
    if kind == "garbage":
        return "not.a.jwt"
    raise AssertionError(kind)


async def test_the_forging_helper_signs_a_token_that_works_unforged(anonymous, account, app):
    """The control for the forged tokens below: each differs from this one in one respect only."""
    r = await me_with(anonymous, app.state.keyring.sign(claims(app, account.id)))
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    "kind",
    [
        "alg-none",
        "hs256-with-public-key",
        "expired",
        "not-yet-valid",
        "iat-years-ahead",
        "ten-year-lifetime",
        "missing-iat",
        "wrong-aud",
        "wrong-iss",
        "missing-exp",
        "missing-sub",
        "tampered",
        "unknown-kid",
        "other-key-our-kid",
        "kid-not-a-string",
        "garbage",
    ],
)
async def test_forged_or_stale_tokens_are_401(anonymous, account, app, kind):
    r = await me_with(anonymous, _forged(app, account, kind))
    assert r.status_code == 401, (kind, r.text)
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "invalid_token" in r.headers["www-authenticate"]


async def test_a_valid_token_stops_working_when_the_account_is_disabled_or_deleted(anonymous, account, app, db):
    token = (await token_for(anonymous)).json()["access_token"]
    assert (await me_with(anonymous, token)).status_code == 200
    await db.execute(update(User).where(User.id == account.id).values(disabled=True))
    assert (await me_with(anonymous, token)).status_code == 401
    await db.delete(account)
    await db.flush()
    assert (await me_with(anonymous, token)).status_code == 401


async def test_client_credentials_with_basic_auth_and_scopes(client, anonymous):
    created = await client.post("/clients", json={"name": "Mission HR", "scopes": ["officers:read"]})
    assert created.status_code == 201, created.text
    cid, secret = created.json()["client_id"], created.json()["client_secret"]
    listed = await client.get(f"/clients/{created.json()['id']}")
    assert "client_secret" not in listed.json()  # shown once
    r = await anonymous.post("/auth/token", data={"grant_type": "client_credentials"}, auth=(cid, secret))
    assert r.status_code == 200, r.text
    token = r.json()["access_token"]
    assert r.json()["scope"] == "officers:read"
    headers = {"Authorization": f"Bearer {token}"}
    assert (await anonymous.get("/officers", headers=headers)).status_code == 200
    assert (await anonymous.post("/officers", headers=headers, json={})).status_code == 403
    bad = await anonymous.post("/auth/token", data={"grant_type": "client_credentials"}, auth=(cid, "wrong"))
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_client"
    wider = await anonymous.post(
        "/auth/token", data={"grant_type": "client_credentials", "scope": "officers:write"}, auth=(cid, secret)
    )
    assert wider.status_code == 400 and wider.json()["error"] == "invalid_scope"


async def test_without_configured_keys_the_api_refuses_to_start(tmp_path):
    """Closed by default: nothing set, no key is generated and no default secret is used."""
    from api.main import create_app
    from domain.settings import Settings

    for missing in ({}, {"secret_key": "s" * 32}, {"jwt_private_key": "-----BEGIN PRIVATE KEY-----"}):
        with pytest.raises(RuntimeError, match="JWT_PRIVATE_KEY" if "secret_key" in missing else "SECRET_KEY"):
            create_app(
                Settings(database_url="sqlite:///:memory:", key_dir=tmp_path, generate_keys=False, **missing),
                check_schema=False,
            )
    assert not any(tmp_path.iterdir())  # nothing was generated
    with pytest.raises(ValueError, match="at least 32 characters"):
        Settings(secret_key="too-short")


async def test_generated_keys_are_kept_for_the_owner_and_shared_by_every_start(tmp_path):
    from domain.auth.tokens import KeyRing
    from domain.settings import Settings

    first, again = (KeyRing(Settings(key_dir=tmp_path / "keys", generate_keys=True)) for _ in range(2))
    assert first.signing.kid == again.signing.kid and first.secret_key == again.secret_key
    assert len(first.secret_key) >= 32
    assert {p.name: p.stat().st_mode & 0o777 for p in (tmp_path / "keys").iterdir()} == {
        "signing-key.pem": 0o600,
        "secret-key": 0o600,
    }
    configured = KeyRing(Settings(key_dir=tmp_path / "keys", generate_keys=True, secret_key="c" * 40))
    assert configured.secret_key == "c" * 40  # a configured secret wins


async def test_a_cached_token_stops_working_when_the_password_changes(anonymous, account, app, db):
    """The verified-token cache skips the signature check, never the account: a new credentials
    version ends the token at once, however often it was used before."""
    token = (await token_for(anonymous)).json()["access_token"]
    for _ in range(2):
        assert (await me_with(anonymous, token)).status_code == 200
    assert token in app.state.keyring.verified._claims
    await db.execute(update(User).where(User.id == account.id).values(credentials_version=User.credentials_version + 1))
    r = await me_with(anonymous, token)
    assert r.status_code == 401 and "invalid_token" in r.headers["www-authenticate"]


async def test_a_cached_client_token_stops_working_when_the_client_is_disabled(machine, db):
    from domain.models.auth import ApiClient

    hr = await machine(["officers:read"])
    assert (await hr.get("/me")).status_code == 200
    await db.execute(update(ApiClient).where(ApiClient.client_id == hr.client_id).values(disabled=True))
    assert (await hr.get("/me")).status_code == 401


def test_verified_tokens_skip_the_signature_check_until_expiry_and_stay_bounded(app, monkeypatch):
    from domain.auth import tokens

    keyring = app.state.keyring
    token, _ = keyring.issue_access_token(subject=f"user:{uuid.uuid4()}", claims={"cv": 1})
    verified = []
    real = tokens.jwt.decode
    monkeypatch.setattr(tokens.jwt, "decode", lambda *a, **k: verified.append(1) or real(*a, **k))
    first, again = keyring.decode(token), keyring.decode(token)
    assert first == again and len(verified) == 1  # the second use skipped the RSA check
    again["sub"] = "user:someone-else"
    assert keyring.decode(token)["sub"] == first["sub"]  # callers get copies

    cache = tokens.VerifiedTokens(maxsize=2)
    now = int(time.time())
    cache.put("old", {"sub": "a", "exp": now + 60})
    cache.put("mid", {"sub": "b", "exp": now + 60})
    assert cache.get("old") is not None  # used: now the most recent
    cache.put("new", {"sub": "c", "exp": now + 60})
    assert len(cache) == 2 and cache.get("mid") is None and cache.get("old") is not None
    cache.put("gone", {"sub": "d", "exp": now - 1})
    assert cache.get("gone") is None  # expired since it was verified: verified (and refused) again
