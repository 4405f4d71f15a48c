"""`python -m api.worker`: delivers webhooks and sends mail until SIGTERM or SIGINT (the round in
progress finishes first; a worker killed outright loses nothing: its claims return after their
lease). Mail: the surveys due are opened (their links issued) or closed, the due reminders are
evaluated, and with SMTP_URL the messages are sent
(domain/notifications/worker.py); without it they wait in the outbox.

On PostgreSQL run as many as you like: they share the work (FOR UPDATE SKIP LOCKED). On SQLite
run one (one writer at a time; `make run` starts one beside the API)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal

import domain.registry  # noqa: F401  (every model mapped)
from domain.db import Sessions, make_engine
from domain.notifications.worker import MailWorker
from domain.settings import get_settings
from domain.surveys.issuing import open_due_surveys
from domain.webhooks.worker import Worker


async def main_async(name: str, idle_exit: float | None) -> None:
    settings = get_settings()
    engine = make_engine(settings.database_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    sessions = Sessions(engine)
    worker = Worker(sessions, settings, name=name)
    # Surveys open, get their links and close on schedule: state in the database only.
    mail = MailWorker(sessions, settings, name=name, chores=[open_due_surveys])
    logging.getLogger("tadrib.worker").info(
        "%s: delivering webhooks; mail %s",
        name,
        "through SMTP_URL" if mail.relay else "kept in the outbox (no SMTP_URL)",
    )
    try:
        async with worker:
            await asyncio.gather(worker.run(stop, idle_exit=idle_exit), mail.run(stop, idle_exit=idle_exit))
    finally:
        await engine.dispose()
        log = logging.getLogger("tadrib.worker")
        log.info("%s: mail sent %d", name, mail.sent)
        log.info("%s: stopped; delivered %d", name, worker.delivered)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default=f"worker-{os.getpid()}")
    parser.add_argument(
        "--idle-exit", type=float, default=None, help="stop after this many idle seconds (tests, bench)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(main_async(args.name, args.idle_exit))


if __name__ == "__main__":
    main()
