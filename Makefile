# The two commands of the README: `make run` and `make test`. Both work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv

# Tests use this machine's PostgreSQL and Redis unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/iro_service
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test test-fast install install-test lock frontend chromium weasyprint-libs lint bench

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip uv

# Dependencies come from the lock files in requirements/ (exact versions); `make lock` rewrites them
# from pyproject.toml after a dependency is added or changed there.
install: $(PY)
	$(UV) pip install --python $(PY) -q -r requirements/runtime.txt
	$(UV) pip install --python $(PY) -q --no-deps -e .

install-test: $(PY)
	$(UV) pip install --python $(PY) -q -r requirements/test.txt
	$(UV) pip install --python $(PY) -q --no-deps -e .

lock: $(PY)
	$(UV) pip compile -q --python-version 3.11 pyproject.toml -o requirements/runtime.txt
	$(UV) pip compile -q --python-version 3.11 --extra test pyproject.toml -o requirements/test.txt

# Front-end assets are committed in static/build; this rebuilds them from the npm packages
# (and installs axe-core, which the browser tests inject into pages).
frontend:
	scripts/build_frontend.sh

frontend/node_modules/axe-core/axe.min.js:
	cd frontend && npm ci --no-audit --no-fund --silent

# Browser tests drive Debian's Chromium; Playwright never downloads its own.
chromium:
	@command -v chromium >/dev/null || { \
		echo "Installing Chromium from Debian..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The annual report's PDF: WeasyPrint lays out text with Pango and HarfBuzz from Debian. Without
# them the service still runs and says the PDF is unavailable; the tests need them.
WEASYPRINT_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
weasyprint-libs:
	@command -v dpkg-query >/dev/null || exit 0; \
	missing=$$(for deb in $(WEASYPRINT_DEBS); do \
		dpkg-query -W -f='$${Status}' $$deb 2>/dev/null | grep -q "ok installed" || echo $$deb; done); \
	[ -z "$$missing" ] || { \
		echo "Installing" $$missing "from Debian..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; }

run: install
	scripts/run_quickstart.sh

# Everything, as CI runs it: the linter and the formatter's check, then every test.
test: install-test chromium weasyprint-libs frontend/node_modules/axe-core/axe.min.js
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
		$(PY) -m pytest

# While working: everything but the browser, integration and slow tests, on the real day only
# (not the frozen days too), over every core (each pytest worker gets its own test database).
test-fast: install-test
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
		$(PY) -m pytest -m "not browser and not integration and not slow" --real-day-only -n auto --reuse-db -q

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The benchmark (README, "Performance"): builds or reuses the largest authority's demo data in this
# database, then times the pages (gunicorn, DEBUG off), commands and periodic tasks; the figures go
# to var/bench/. E.g. make bench BENCH_ARGS="--children 8000 --runs 10".
BENCH_SERVER ?= postgres://postgres@127.0.0.1:5432
BENCH_DB ?= iro_service_bench
BENCH_BROKER_URL ?= redis://127.0.0.1:6379/14
BENCH_CACHE_URL ?= redis://127.0.0.1:6379/10
BENCH_ARGS ?=

# It installs the test set, a superset of the runtime's: installing the runtime set over it would swap
# numpy under the DfE validator's pandas, and the next test run would have to swap it back.
bench: install-test weasyprint-libs
	@psql "$(BENCH_SERVER)/postgres" -tAc "select 1 from pg_database where datname = '$(BENCH_DB)'" | grep -q 1 \
		|| psql -q "$(BENCH_SERVER)/postgres" -c 'create database "$(BENCH_DB)"'
	DATABASE_URL=$(BENCH_SERVER)/$(BENCH_DB) CELERY_BROKER_URL=$(BENCH_BROKER_URL) CACHE_URL=$(BENCH_CACHE_URL) DEBUG=false \
		SECRET_KEY=bench-only-$$RANDOM$$RANDOM REQUIRE_MFA=false SECURE_SSL_REDIRECT=false SECURE_COOKIES=false \
		EMAIL_URL=memorymail:// STATICFILES_STORAGE=django.contrib.staticfiles.storage.StaticFilesStorage \
		ALLOWED_HOSTS=127.0.0.1,localhost SITE_URL=http://127.0.0.1 LOG_LEVEL=WARNING \
		bash -c '$(PY) manage.py migrate -v0 && $(PY) manage.py bench $(BENCH_ARGS)'
