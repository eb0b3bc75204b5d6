# Emporium: `make run` serves the platform, `make test` checks it. `make help` lists the rest.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_WORKERS ?= 2
# Point the test run at the local services that answer (see scripts/detect_services.py).
# Benchmarks get a database of their own, so their rows never reach the tests.
BENCH_ENV = export DJANGO_SETTINGS_MODULE=tests.settings; services="$$($(PY) scripts/detect_services.py emporium_bench)" || exit 1; eval "$$services"
TEST_ENV = export DJANGO_SETTINGS_MODULE=tests.settings; services="$$($(PY) scripts/detect_services.py emporium_test)" || exit 1; eval "$$services"
# The fault tests hold their database for minutes: one of their own, or the workers' clones of
# the test database would wait for them.
FAULTS_ENV = export DJANGO_SETTINGS_MODULE=tests.settings; services="$$($(PY) scripts/detect_services.py emporium_faults)" || exit 1; eval "$$services"

.PHONY: help install run test lint format test-fulfilment test-unit test-integration test-e2e test-all test-faults db-setup-test clean bench-tenancy bench-http bench-events bench-event-sourcing bench-dashboard bench-csv bench-export-tenant

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

# The fulfilment service has a virtualenv of its own (services/fulfilment/.venv): it shares no
# code and no dependency with Emporium, and `make run` starts it from there.
FULFILMENT := services/fulfilment

install: $(STAMP) ## Create .venv (and the fulfilment service's) with the pinned dependencies, and Debian's chromium
	@$(MAKE) --no-print-directory -C $(FULFILMENT) install
	@# The browser tests drive Debian's chromium with the Playwright of the dev extras; without
	@# apt or a network this says so loudly and those tests skip (never `playwright install`).
	@bash scripts/install_browser.sh $(PY)

run: install ## Migrate, seed demo data and serve on http://localhost:8000, or on PORT (SQLite unless URLs are set)
	$(PY) manage.py setup_database
	@if $(PY) manage.py help seed_demo >/dev/null 2>&1; then $(PY) manage.py seed_demo; fi
	@# serve: runserver on PORT, the periodic tasks and, with a broker, the event workers;
	@# it prints the URLs once the server answers.
	$(PY) manage.py serve

lint: install ## ruff, mypy, import-linter contracts, the package cycle check and the migrations check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	@$(MAKE) --no-print-directory -C $(FULFILMENT) lint
	$(PY) scripts/import_graph.py
	SQLITE_PATH=":memory:" $(PY) manage.py makemigrations --check --dry-run

format: install ## Format and autofix with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

db-setup-test: install ## Create and migrate the test database on the local PostgreSQL (if it answers)
	@$(TEST_ENV); if [ -n "$$DATABASE_URL" ]; then \
		$(PY) manage.py setup_database --test-grants --verbosity 0 && \
		$(PY) manage.py check --database default --fail-level WARNING; fi

test: lint test-all ## Lint, then the whole test suite (real services where they answer)

test-all: install db-setup-test ## The whole test suite, without lint
	@$(TEST_ENV); $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -m "not faults" tests
	$(VENV)/bin/pytest -q packages/emporium-paypal/tests
	@$(MAKE) --no-print-directory test-fulfilment
	@$(MAKE) --no-print-directory test-faults

# The service's suite on its own database (pytest-django's test_fulfilment_suite) on the same
# PostgreSQL server, and on the same RabbitMQ; SQLite and no broker where they do not answer.
test-fulfilment: install ## The fulfilment service's own test suite
	@$(TEST_ENV); \
		export FULFILMENT_DATABASE_URL="$${DATABASE_BOOTSTRAP_URL:+$${DATABASE_BOOTSTRAP_URL%/*}/fulfilment_suite}"; \
		export FULFILMENT_BROKER_URL="$$CELERY_BROKER_URL"; \
		export FULFILMENT_REQUIRE_SERVICES="$${EMPORIUM_REQUIRE_SERVICES:-0}"; \
		$(MAKE) --no-print-directory -C $(FULFILMENT) test

test-faults: install ## Fault tests of the event pipeline (processes killed, RabbitMQ restarted), alone
	@$(PY) -m tests.faults.broker
	@$(FAULTS_ENV); if [ -n "$$DATABASE_URL" ]; then \
		$(PY) manage.py setup_database --test-grants --verbosity 0 || exit 1; fi; \
		$(VENV)/bin/pytest -q -m faults tests/faults

# The unit tier runs in a virtualenv of its own with pytest and hypothesis only: no Django is
# there to set up, so a unit test that needs it fails here instead of passing by accident.
UNIT_VENV := .venv-unit
UNIT_REQUIREMENTS := tests/unit/requirements.txt
UNIT_STAMP := $(UNIT_VENV)/.installed-stamp

$(UNIT_STAMP): $(UNIT_REQUIREMENTS)
	@test -x $(UNIT_VENV)/bin/python || $(PYTHON) -m venv $(UNIT_VENV) || python3 -m venv $(UNIT_VENV)
	$(UNIT_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(UNIT_VENV)/bin/python -m pip install --quiet -r $(UNIT_REQUIREMENTS)
	@touch $(UNIT_STAMP)

test-unit: $(UNIT_STAMP) ## Domain and application tests only, without Django (no database, seconds)
	$(UNIT_VENV)/bin/pytest tests/unit

test-integration: install db-setup-test ## Tests against the database, cache and broker
	@$(TEST_ENV); $(VENV)/bin/pytest -n $(PYTEST_WORKERS) tests/integration

test-e2e: install db-setup-test ## HTTP tests through the API
	@$(TEST_ENV); $(VENV)/bin/pytest -n $(PYTEST_WORKERS) tests/e2e

clean: ## Remove the virtualenv and the local SQLite database
	rm -rf $(VENV) var/*.sqlite3*

bench-tenancy: install ## Benchmark: cost of Row-Level Security per transaction
	@$(BENCH_ENV); $(PY) manage.py setup_database --verbosity 0 && $(PY) benchmarks/tenancy_rls.py

bench-http: install ## Benchmark: cached product detail vs a no-database endpoint, place order vs pgbench (gunicorn, PostgreSQL, Redis)
	$(PY) benchmarks/http_throughput.py

bench-events: install ## Benchmark: relay, consumer and end-to-end throughput of the event pipeline (PostgreSQL, RabbitMQ)
	@export DJANGO_SETTINGS_MODULE=tests.settings; \
		services="$$($(PY) scripts/detect_services.py emporium_events_bench)" || exit 1; eval "$$services"; \
		if [ -z "$$DATABASE_URL" ] || [ -z "$$CELERY_BROKER_URL" ]; then \
			echo "bench-events needs PostgreSQL and RabbitMQ; unreachable: $$EMPORIUM_MISSING_SERVICES" >&2; exit 1; fi; \
		$(PY) manage.py setup_database --verbosity 0 && $(PY) benchmarks/events_throughput.py

bench-dashboard: install ## Benchmark: dashboard API latency (p50, p95) for a shop with 1,000,000 orders beside 50 others (PostgreSQL); ARGS="--orders N"
	@$(BENCH_ENV); if [ -z "$$DATABASE_URL" ]; then \
		echo "bench-dashboard needs PostgreSQL; unreachable: $$EMPORIUM_MISSING_SERVICES" >&2; exit 1; fi; \
		$(PY) manage.py setup_database --verbosity 0 && $(PY) benchmarks/dashboard.py $(ARGS)

bench-event-sourcing: install ## Benchmark: rebuild each projection from 100,000 order events (idle and beside new orders) and verify_orders (PostgreSQL); ARGS="--events N"
	@$(BENCH_ENV); if [ -z "$$DATABASE_URL" ]; then \
		echo "bench-event-sourcing needs PostgreSQL; unreachable: $$EMPORIUM_MISSING_SERVICES" >&2; exit 1; fi; \
		$(PY) manage.py setup_database --verbosity 0 && $(PY) benchmarks/event_sourcing.py $(ARGS)

bench-csv: install ## Benchmark: the orders CSV export streamed through the view for 100,000 orders and a tenth of them: rows/s, peak memory (PostgreSQL); ARGS="--orders N"
	@$(BENCH_ENV); if [ -z "$$DATABASE_URL" ]; then \
		echo "bench-csv needs PostgreSQL; unreachable: $$EMPORIUM_MISSING_SERVICES" >&2; exit 1; fi; \
		$(PY) manage.py setup_database --verbosity 0 && $(PY) benchmarks/orders_csv.py $(ARGS)

bench-export-tenant: install ## Benchmark: export_tenant of a shop with 100,000 orders and of one with a tenth: rows/s, peak memory (PostgreSQL); ARGS="--orders N"
	@$(BENCH_ENV); if [ -z "$$DATABASE_URL" ]; then \
		echo "bench-export-tenant needs PostgreSQL; unreachable: $$EMPORIUM_MISSING_SERVICES" >&2; exit 1; fi; \
		$(PY) manage.py setup_database --verbosity 0 && $(PY) benchmarks/export_tenant.py $(ARGS)
