# Two commands on a fresh clone: `make run` (demo API on SQLite; installs what running needs) and
# `make test` (adds the test tools: pyproject's `test` extra).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-run migrate seed run worker test test-browser browser-deps outage fuzz lint typecheck openapi messages bench bench-http bench-ceilings bench-webhooks clean

# What running needs (`make run`, `make worker`, `make migrate`): the project's dependencies only.
$(VENV)/.installed-run: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

# What testing needs on top (`make test`, lint, typecheck): the `test` extra (pytest, schemathesis,
# playwright, ruff, mypy...).
$(VENV)/.installed: $(VENV)/.installed-run
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install-run: $(VENV)/.installed-run

install: $(VENV)/.installed

migrate: install-run
	$(BIN)/alembic upgrade head

# With the developer's keys (DEV_SETTINGS below), so that the demo's certificates are signed by the
# key `make run` serves with.
seed: migrate
	@export $(DEV_SETTINGS); $(BIN)/python -m seeds demo

# Tadrib is closed by default (domain/settings.py); a developer's machine opens three things: keys
# made on first run in KEY_DIR, webhooks to local receivers on loopback, and pages over plain HTTP.
DEV_SETTINGS ?= GENERATE_KEYS=true WEBHOOK_ALLOWED_NETWORKS=127.0.0.0/8,::1 PLAIN_HTTP=true

# The API and one webhook worker beside it (stopped with it), so that webhooks work out of the box.
run: seed
	@export $(DEV_SETTINGS); \
	$(BIN)/python -m api.worker & WORKER=$$!; trap 'kill -TERM $$WORKER 2>/dev/null; wait $$WORKER' EXIT INT TERM; \
	$(BIN)/python -m api.serve --host $(HOST) --port $(PORT)

# Webhook delivery on its own (PostgreSQL: run several; SQLite: one).
worker: migrate
	$(BIN)/python -m api.worker

# Bytecode caches are written even where PYTHONDONTWRITEBYTECODE is set (each run would compile
# every module again); idle workers take tests from busy ones (worksteal).
test: install
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n auto --dist worksteal

# The browser tests alone (tests/browser: Debian's chromium through Playwright; screenshots of each
# screen in both languages land in screenshots/). Without chromium they are skipped and say so,
# except in CI (TADRIB_BROWSER_TESTS=required), where that is a failure. `make browser-deps`
# installs chromium and an Arabic font with apt (root).
test-browser: install
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest tests/browser

browser-deps:
	@command -v chromium >/dev/null && dpkg -s fonts-noto-core >/dev/null 2>&1 || \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver fonts-noto-core)

# PostgreSQL only (TEST_DATABASE_URL): the database goes away under concurrent writes and comes
# back. OUTAGE=cluster stops and starts the whole cluster (CI); the default takes only the test's
# own database away.
outage: install
	$(BIN)/pytest -m outage -s tests/faults

# The contract, deeper: more examples per operation and longer stateful walks than the suite's.
FUZZ_EXAMPLES ?= 50
FUZZ_WALKS ?= 30
FUZZ_STEPS ?= 15
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_WALKS=$(FUZZ_WALKS) FUZZ_STEPS=$(FUZZ_STEPS) $(BIN)/pytest -n auto tests/contract

# ruff: pyflakes, pycodestyle, import order, modern syntax, likely bugs (pyproject.toml [tool.ruff]),
# and the formatter's layout (120 columns: two files side by side on a reviewer's screen).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy: strict over domain/, plain over api/ (pyproject.toml [tool.mypy]).
typecheck: install
	$(BIN)/mypy

openapi: install-run
	$(BIN)/python -m api.openapi

# The one gettext catalogue: extract every string (pages, problem titles, messages) into the POT,
# update the Arabic and English catalogues, fill English from the source. Then translate the new
# entries of domain/i18n/locales/ar (tests/unit/test_catalogue.py fails while one is missing).
messages: install-run
	$(BIN)/pybabel extract -F babel.cfg -o domain/i18n/messages.pot --no-location --sort-output --omit-header -w 120 .
	$(BIN)/pybabel update -i domain/i18n/messages.pot -d domain/i18n/locales -D messages --no-fuzzy-matching \
		--ignore-obsolete -w 120
	$(BIN)/python -m domain.i18n.english

bench: install-run
	$(BIN)/python -m bench reports

# Needs wrk (apt-get install wrk) and PostgreSQL on 127.0.0.1:5432 (or BENCH_ARGS="--databases sqlite").
bench-http: install-run
	$(BIN)/python -m bench http $(BENCH_ARGS)

# Both ceilings (a bare FastAPI app in its own process, Tadrib's in-app route), the hot routes and the
# pages beside their JSON, alternating rounds of a few seconds; needs wrk (about 3 minutes per database).
# SQLite by default; BENCH_ARGS="--databases sqlite,postgresql" adds PostgreSQL on 127.0.0.1:5432.
bench-ceilings: install-run
	$(BIN)/python -m bench ceilings $(BENCH_ARGS)

# Delivery throughput of one and two workers to a local receiver (PostgreSQL on 127.0.0.1:5432).
bench-webhooks: install-run
	$(BIN)/python -m bench webhooks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) *.egg-info tadrib.db tadrib.db-wal tadrib.db-shm
