"""python -m seeds reference|demo: load seed data into DATABASE_URL (migrated beforehand with
`alembic upgrade head`), in one transaction, and print what was created and what was kept."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from sqlalchemy.exc import OperationalError, ProgrammingError

from domain.db import make_engine, make_sessionmaker
from domain.errors import DomainError
from domain.settings import get_settings
from seeds import WHICH, load
from seeds.accounts import credentials_text


async def run(which: str, database_url: str) -> int:
    engine = make_engine(database_url)
    started = time.perf_counter()
    try:
        async with make_sessionmaker(engine)() as session:
            try:
                tally = await load(session, which)
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
