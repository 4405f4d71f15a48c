"""python -m bench reports [...]   the reports: product service against hand-written SQL
python -m bench http [...]      the API through HTTP: requests/s, p50, p99, against the ceiling
python -m bench ceilings [...]  the bare FastAPI app, the in-app ceiling, hot routes and pages beside their JSON
python -m bench imports [...]   a 20,000-row officers import planned and applied through HTTP, against a raw executemany
python -m bench webhooks [...]  webhook delivery throughput of one and two workers to a local receiver (PostgreSQL)

Without a command it runs the reports, as it always did (`make bench`)."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    if argv[:1] == ["imports"]:
        from bench.imports import main as imports_main

        return imports_main(argv[1:])
    if argv[:1] == ["webhooks"]:
        from bench.webhooks import main as webhooks_main

        return webhooks_main(argv[1:])
    if argv[:1] == ["ceilings"]:
        from bench.fixed_cost.ceilings import main as ceilings_main

        return ceilings_main(argv[1:])
    if argv[:1] == ["http"]:
        from bench.http.cli import main as http_main

        return http_main(argv[1:])
    from bench.reports_cli import main as reports_main

    return reports_main(argv[1:] if argv[:1] == ["reports"] else argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
