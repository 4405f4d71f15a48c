"""python -m seeds reference|demo: load seed data into DATABASE_URL (migrated beforehand with
`alembic upgrade head`), in one transaction, and print what was created and what was kept."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from sqlalchemy.exc import OperationalError, ProgrammingError

from domain.auth.tokens import KeyRing
from domain.certificates.service import Signer
from domain.db import make_engine, make_sessionmaker
from domain.errors import DomainError
from domain.settings import get_settings
from seeds import WHICH, load
from seeds.accounts import credentials_text
from seeds.showcase import DEMO_CLIENT


def settings_signer() -> Signer | None:
    """The API's key ring, where keys are configured (or GENERATE_KEYS): the demo's certificates
    are signed with it. Without keys the demo loads without certificates."""
    try:
        return KeyRing(get_settings())
    except RuntimeError:
        return None


async def run(which: str, database_url: str, signer: Signer | None = None) -> int:
    """Load `which` into the database; `signer` defaults to the configured key ring (settings_signer)."""
    if signer is None and which == "demo":
        signer = settings_signer()
    engine = make_engine(database_url)
    started = time.perf_counter()
    try:
        async with make_sessionmaker(engine)() as session:
            try:
                tally = await load(session, which, signer=signer)
                await session.commit()
            except (OperationalError, ProgrammingError) as exc:
                await session.rollback()
                print(
                    f"seeds: database error ({exc.orig}). Is the schema migrated? Run `alembic upgrade head`.",
                    file=sys.stderr,
                )
                return 2
            except DomainError as exc:
                await session.rollback()
                print(f"seeds: refused by the domain ({exc.code}): {exc.detail} {exc.extra or ''}", file=sys.stderr)
                return 1
    finally:
        await engine.dispose()
    print(f"seeds {which}: {tally.total_created} record(s) created in {time.perf_counter() - started:.1f} s")
    print(tally.summary())
    if which == "demo":
        print("demo accounts (role, user name, password; demo data only):")
        print(credentials_text())
        client_id, secret = DEMO_CLIENT
        print(f"demo machine client (client_id, secret; the Ministry of Interior's HR): {client_id} {secret}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seeds", description=__doc__)
    parser.add_argument(
        "which", choices=WHICH, help="reference: disciplines and agencies; demo: reference + the demo stories"
    )
    parser.add_argument("--database-url", default=None, help="defaults to DATABASE_URL (sqlite:///./tadrib.db)")
    args = parser.parse_args(argv)
    return asyncio.run(run(args.which, args.database_url or get_settings().database_url))


if __name__ == "__main__":
    sys.exit(main())
