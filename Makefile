# pbr: the two commands are `make run` and `make test`; the rest are their parts.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/pbr
FIXTURES := regions cycles gore_antofagasta gore_coquimbo gore_biobio
REPLICA_URL ?= postgres://postgres@127.0.0.1:5433/pbr
# The suites run in two processes (pytest-xdist), each on its own test database: CI's three runs stay well
# under its 30 minutes. PYTEST_WORKERS=0 runs in one.
PYTEST_WORKERS ?= 2
PYTEST := $(PY) -m pytest -n $(PYTEST_WORKERS)
# Debian packages: gettext for translations, Chromium for screenshots and the browser tests, Pango and
# HarfBuzz for WeasyPrint's PDF reports, redis-server for the cache-failure tests (each starts its own), nginx
# for the test of deploy/nginx.conf, poppler-utils for the tests that read the PDFs' pages.
APT_PACKAGES := gettext chromium chromium-driver fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 \
                libharfbuzz0b libharfbuzz-subset0 redis-server nginx poppler-utils

.PHONY: help install install-dev system-packages messages check-translations db fixtures demo run test test-postgres postgres replica redis lint format bench \
        check-migrations ci clean

help:
	@echo "make run            fresh machine → app at http://$(HOST):$(PORT) with the document's data and demo logins"
	@echo "make test           the whole test suite on SQLite"
	@echo "make test-postgres  the same suite on PostgreSQL ($(PG_URL)), with the replica tests"
	@echo "make replica        a streaming replica of the local PostgreSQL on port 5433"
	@echo "make lint           ruff check and format check, and the layers (import-linter)"
	@echo "make ci             what .ci/run does"

# Installs the Debian packages the project needs, when root and when missing.
system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Not root: please install these Debian packages:$$missing (browser tests will be skipped)"; fi; \
	fi

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(VENV)/bin/activate
	$(PIP) install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/activate
	$(PIP) install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: system-packages $(VENV)/.installed

install-dev: system-packages $(VENV)/.installed-dev

# Compiled catalogs (.mo) are built, not committed.
messages: install
	DEBUG=1 $(MANAGE) compilemessages -v0 --ignore=.venv

# Refreshes the English catalog from the code and fails if any string lacks its translation.
check-translations: install-dev
	DEBUG=1 $(MANAGE) makemessages -l en --no-location --no-obsolete -v0 --ignore=.venv --ignore=bench --ignore=tests --ignore=staticfiles
	$(PY) -c "import polib,sys; po=polib.pofile('locale/en/LC_MESSAGES/django.po'); bad=[e.msgid for e in po if not e.translated() or 'fuzzy' in e.flags]; print(f'{po.percent_translated()}% translated; missing: {bad[:20]}'); sys.exit(1 if bad else 0)"

db: messages
	DEBUG=1 $(MANAGE) migrate --no-input

fixtures: db
	DEBUG=1 $(MANAGE) load_document $(FIXTURES)

demo: fixtures
	DEBUG=1 $(MANAGE) create_demo_users
	DEBUG=1 SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(MANAGE) load_demo

# The mails' links start with the address the app is served on (SITE_URL, unless given).
run: demo
	@echo "Serving on http://$(HOST):$(PORT): demo logins are in README.md"
	DEBUG=1 SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(MANAGE) runserver $(HOST):$(PORT)

test: install-dev messages
	$(PYTEST)

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done

# Tests marked `once` (what neither the engine nor the cache changes: PDF layout, IATI schema, nginx, the walk of
# every address, reloading the fixtures) and the browser tests run in `make test` only, so that CI stays within
# its time.
# The suite (browser tests aside) as a deployment with Redis runs it: sessions, users and their access read
# from the shared cache (each test process's cache stands in for Redis).
# CI runs the tests of what the shared cache changes (cached pages and their cost, sessions and access, faults
# of the cache); SHARED_CACHE_TESTS=tests runs the whole suite that way.
SHARED_CACHE_TESTS ?= tests/test_page_cache.py tests/test_request_cost.py tests/test_access_matrix.py \
                      tests/test_security.py tests/test_faults.py tests/evaluation/test_dashboards.py \
                      tests/api/test_api_access.py tests/indicators/test_views.py
test-shared-cache: install-dev messages
	PBR_TEST_SHARED_CACHE=1 $(PYTEST) -m "not browser and not once" $(SHARED_CACHE_TESTS)

# On PostgreSQL, with the streaming replica of `make replica` when it can be made (root): the replica tests
# (tests/test_replica.py) run against it; without it they are skipped, saying why.
test-postgres: install-dev messages postgres
	@if bash deploy/replica.sh; then replica=$(REPLICA_URL); else echo "No streaming replica: its tests are skipped"; replica=; fi; \
	DATABASE_URL=$(PG_URL) PBR_TEST_REPLICA_URL=$$replica $(PYTEST) -m "not once and not browser"

# A streaming replica of the local PostgreSQL (5432) as a second cluster on 5433 (deploy/replica.sh): an app run
# with DATABASE_URL=$(PG_URL) DATABASE_REPLICA_URL=$(REPLICA_URL) reads its dashboards from it.
replica: postgres
	bash deploy/replica.sh

# Ruff, and the layers: a module imports only from its own layer or those below (.importlinter).
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-migrations: install-dev
	PBR_ALLOW_INSECURE_KEY=1 $(MANAGE) makemigrations --check --dry-run

ci: test test-shared-cache test-postgres lint check-migrations check-translations

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .hypothesis db.sqlite3

# The local Redis (the benchmark's shared cache): installed when root and missing, started when not answering.
# When neither works, bench/run.py says so.
redis:
	@command -v redis-server >/dev/null || { [ "$$(id -u)" = "0" ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; } || true
	@redis-cli ping >/dev/null 2>&1 || redis-server --daemonize yes >/dev/null 2>&1 || true
	@for i in $$(seq 1 10); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.5; done

# Benchmark: scale data on PostgreSQL, the app and a minimal Django page under gunicorn (2 workers each), a
# shared Redis cache, wrk on loopback; ratios to the minimal page against issue 10's targets (see bench/run.py).
# BENCH_SECONDS=3 for a quicker run.
bench: install-dev postgres redis
	@command -v wrk >/dev/null || { [ "$$(id -u)" = "0" ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(PY) bench/run.py
