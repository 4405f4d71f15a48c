"""What the walkthroughs of README.md and docs/ show and the rest of the demo does not hold
(tests/test_walkthroughs.py runs them on the demo data as seeded):

- the certificates of one delivered module (ILP-01, delivered in January 2025), issued through the
  service, so that a certificate can be listed and verified; the other delivered modules keep
  theirs to issue (an item of the coordinator's dashboard). Certificates are signed: without a
  signing key (python -m seeds demo without keys or GENERATE_KEYS) none is issued, and the tally
  says so.
- a machine client for the Ministry of Interior's HR system, with a published demo secret (demo
  data only, like the demo accounts), holding the scopes the HR, change-feed and webhook examples
  use. Bound to the ministry, it reaches that agency's officers only, as its focal point does.

Everything goes through the services (the client through the same create_entity as
domain/accounts/service.py, with its published id and secret); a later run finds both and
changes nothing."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.auth.passwords import hash_password
from domain.certificates.service import Signer, issue_certificates
from domain.crud import create_entity
from domain.models.auth import ApiClient
from domain.models.catalogue import DELIVERED, Module
from domain.models.certificates import Certificate
from seeds.tally import SEED, Tally

CERTIFIED = "ILP-01"
# client_id, secret (demo data only: never use these anywhere real)
DEMO_CLIENT = ("demo-moi-hr", "demo-moi-hr-secret-2026")
DEMO_CLIENT_NAME = "Ministry of Interior HR system (demo)"
DEMO_CLIENT_SCOPES = ["events:read", "imports:write", "officers:read", "officers:write", "scim", "webhooks:manage"]


async def load_showcase(
    session: AsyncSession, tally: Tally, agency_ids: dict[str, uuid.UUID], signer: Signer | None
) -> None:
    await _demo_client(session, tally, agency_ids["moi"])
    await _certificates(session, tally, signer)


async def _demo_client(session: AsyncSession, tally: Tally, agency_id: uuid.UUID) -> None:
    client_id, secret = DEMO_CLIENT
    if await session.scalar(select(ApiClient.id).where(ApiClient.client_id == client_id)):
        tally.found("demo client")
        return
    client = ApiClient(
        client_id=client_id,
        name=DEMO_CLIENT_NAME,
        secret_hash=hash_password(secret),
        scopes=sorted(DEMO_CLIENT_SCOPES),
        agency_id=agency_id,
        disabled=False,
    )
    await create_entity(
        session, principal=SEED, entity="client", obj=client, audit_fields=["client_id", "name", "scopes", "agency_id"]
    )
    tally.made("demo client")


async def _certificates(session: AsyncSession, tally: Tally, signer: Signer | None) -> None:
    module_id = await session.scalar(select(Module.id).where(Module.code == CERTIFIED, Module.status.in_(DELIVERED)))
    if module_id is None:  # not delivered on the day the demo was loaded for
        return
    if await session.scalar(select(func.count()).select_from(Certificate).where(Certificate.module_id == module_id)):
        tally.found("certified module")
        return
    if signer is None:
        tally.note(f"{CERTIFIED}: no signing key (JWT_PRIVATE_KEY or GENERATE_KEYS=true), no certificate issued")
        return
    result = await issue_certificates(session, principal=SEED, keyring=signer, module_id=module_id)
    tally.made("certificate", result.issued)
