"""A message's secret (a survey link): sealed with a key derived from SECRET_KEY (AES-GCM) so that
the messages table alone yields no link; the body names it `{link}`, the mail is made with it
(smtp.build), and it is erased once the message is sent or given up."""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.auth.tokens import secret_key
from domain.notifications import config

PLACEHOLDER = "{link}"


def _key() -> bytes:
    return hashlib.sha256(b"tadrib-message-seal\x00" + secret_key(config.settings()).encode()).digest()


def seal(secret: str) -> str:
    nonce = os.urandom(12)
    return base64.urlsafe_b64encode(nonce + AESGCM(_key()).encrypt(nonce, secret.encode(), None)).decode()


def unseal(sealed: str) -> str:
    raw = base64.urlsafe_b64decode(sealed.encode())
    return AESGCM(_key()).decrypt(raw[:12], raw[12:], None).decode()


def body_of(body: str, sealed: str | None) -> str:
    """The body as mailed: the sealed secret in place of its placeholder."""
    return body.replace(PLACEHOLDER, unseal(sealed)) if sealed else body
