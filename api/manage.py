"""Operator commands: `python -m api.manage create-admin --username NAME` (password from the
TADRIB_ADMIN_PASSWORD environment variable, or asked for on the terminal)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from sqlalchemy import select

from domain.accounts.schemas import UserCreate
from domain.accounts.service import create_user
from domain.auth.principal import Principal, Role
from domain.db import make_engine, make_sessionmaker
from domain.errors import DomainError
from domain.models.auth import User
from domain.settings import get_settings


async def create_admin(username: str, password: str) -> str:
    engine = make_engine(get_settings().database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            if await session.scalar(select(User.id).where(User.username == username)):
                return f"{username} already exists; nothing changed."
            data = UserCreate(username=username, password=password, role=Role.admin)
            await create_user(session, principal=Principal.system("manage"), data=data)
            await session.commit()
            return f"created administrator {username}"
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.manage")
    sub = parser.add_subparsers(dest="command", required=True)
    admin = sub.add_parser("create-admin", help="create the first administrator account")
    admin.add_argument("--username", required=True)
    args = parser.parse_args(argv)
    password = os.environ.get("TADRIB_ADMIN_PASSWORD") or getpass.getpass("Password (12+ characters): ")
    try:
        print(asyncio.run(create_admin(args.username, password)))
    except (DomainError, ValueError) as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
