# The two commands of the README: `make run` and `make test`. Both work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv

# Tests use this machine's PostgreSQL and Redis unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/iro_service
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test install install-test frontend chromium lint

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip uv

install: $(PY)
	$(UV) pip install --python $(PY) -q -e .

install-test: $(PY)
	$(UV) pip install --python $(PY) -q -e '.[test]'

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

run: install
	scripts/run_quickstart.sh

test: install-test chromium frontend/node_modules/axe-core/axe.min.js
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
		$(PY) -m pytest

lint: install-test
	$(VENV)/bin/ruff check .
