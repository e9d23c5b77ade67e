# Bairn — the two commands: `make run` and `make test`. See README.md and DEVELOPERS.md.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-12)
PG_URL ?= postgres://postgres@127.0.0.1:5432/bairn
PG_IDENTITY_URL ?= postgres://postgres@127.0.0.1:5432/bairn_identity
HOST ?= 127.0.0.1
PORT ?= 8000

export BAIRN_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test install lint typecheck test-sqlite test-postgres screenshots bench bench-postgres bench-nation clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Bairn needs Python 3.11 (found " + sys.version.split()[0] + ")")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

## make run: the case-study demo on http://127.0.0.1:8000 (SQLite, in ./var)
run: $(STAMP)
	BAIRN_DEBUG=1 $(BIN)/bairn migrate --verbosity 0
	BAIRN_DEBUG=1 $(BIN)/bairn demo --if-empty
	BAIRN_DEBUG=1 $(BIN)/bairn serve --host $(HOST) --port $(PORT)

## make test: lint, types, and the whole suite on SQLite and on PostgreSQL (the two runs
## side by side; each one's output is shown when it ends)
test: lint typecheck
	scripts/ensure-postgres
	scripts/ensure-chromium
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	BAIRN_DEBUG=1 $(BIN)/mypy

test-sqlite: $(STAMP)
	@echo "== tests on SQLite =="
	scripts/ensure-chromium
	env -u DATABASE_URL -u IDENTITY_DATABASE_URL $(BIN)/pytest -q

test-postgres: $(STAMP)
	@echo "== tests on PostgreSQL =="
	scripts/ensure-postgres
	scripts/ensure-chromium
	DATABASE_URL=$(PG_URL) IDENTITY_DATABASE_URL=$(PG_IDENTITY_URL) $(BIN)/pytest -q --create-db

## make screenshots: the browser tests, saving the README's pictures in docs/screenshots
screenshots: $(STAMP)
	scripts/ensure-chromium
	BAIRN_SCREENSHOTS=$(CURDIR)/docs/screenshots env -u DATABASE_URL -u IDENTITY_DATABASE_URL $(BIN)/pytest -q tests/browser

## make bench: a synthetic council area in a scratch SQLite folder (./var/bench) and the
## figures of how fast Bairn answers on this machine, each request through HTTP beside the
## raw SQL of the same rows (BENCH="--children 5000" to resize);
## make bench-postgres: the same in scratch PostgreSQL databases (bench, bench_identity);
## make bench-nation: a synthetic Scotland (1M children, 20M entries) loaded in bulk into
## those scratch databases, the same figures, concern POSTs with 1, 4 and 16 clients
## through bairn serve, and every figure in var/bench-nation.json
## (BENCH="--children 100000 --entries 2000000" to resize)
BENCH_PG := postgres://postgres@127.0.0.1:5432
bench: $(STAMP)
	rm -rf $(CURDIR)/var/bench
	env -u DATABASE_URL -u IDENTITY_DATABASE_URL BAIRN_DEBUG=1 BAIRN_DATA_DIR=$(CURDIR)/var/bench $(BIN)/bairn migrate --verbosity 0
	env -u DATABASE_URL -u IDENTITY_DATABASE_URL BAIRN_DEBUG=1 BAIRN_DATA_DIR=$(CURDIR)/var/bench $(BIN)/bairn bench $(BENCH)

bench-postgres: $(STAMP)
	scripts/ensure-postgres
	scripts/ensure-replica stop  # the tests' replica would replay every bulk load
	for db in bench bench_identity; do psql "$(BENCH_PG)/postgres" -qc "DROP DATABASE IF EXISTS $$db" -c "CREATE DATABASE $$db"; done
	DATABASE_URL=$(BENCH_PG)/bench IDENTITY_DATABASE_URL=$(BENCH_PG)/bench_identity BAIRN_DEBUG=1 $(BIN)/bairn migrate --verbosity 0
	DATABASE_URL=$(BENCH_PG)/bench IDENTITY_DATABASE_URL=$(BENCH_PG)/bench_identity BAIRN_DEBUG=1 $(BIN)/bairn bench $(BENCH)

bench-nation: $(STAMP)
	scripts/ensure-postgres
	scripts/ensure-replica stop  # the tests' replica would replay every bulk load
	for db in bench bench_identity; do psql "$(BENCH_PG)/postgres" -qc "DROP DATABASE IF EXISTS $$db" -c "CREATE DATABASE $$db"; done
	mkdir -p $(CURDIR)/var
	DATABASE_URL=$(BENCH_PG)/bench IDENTITY_DATABASE_URL=$(BENCH_PG)/bench_identity BAIRN_DEBUG=1 $(BIN)/bairn migrate --verbosity 0
	DATABASE_URL=$(BENCH_PG)/bench IDENTITY_DATABASE_URL=$(BENCH_PG)/bench_identity BAIRN_DEBUG=1 $(BIN)/bairn bench --nation --clients 1,4,16 --json $(CURDIR)/var/bench-nation.json $(BENCH)

clean:
	rm -rf $(VENV) var build *.egg-info
