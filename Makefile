# Pilot Grants. `make demo` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := sqlite:///$(CURDIR)/var/pilot-grants.sqlite3

.PHONY: demo test install assets system-deps lint check bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed assets

assets: node_modules/.installed

# Chromium for the browser tests, from Debian's packages (Playwright's own download
# does not work here).
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core; \
	fi

demo: install
	mkdir -p var
	DATABASE_URL=$(DEMO_DB) $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=$(DEMO_DB) $(BIN)/python manage.py load_pilot_three
	DATABASE_URL=$(DEMO_DB) $(BIN)/python manage.py demo_logins
	@echo "Background tasks run in a django-q2 cluster; it and the emails it sends (console"
	@echo "backend) are logged to var/qcluster.log."
	DATABASE_URL=$(DEMO_DB) $(BIN)/python manage.py qcluster > var/qcluster.log 2>&1 & QPID=$$!; \
	trap 'kill $$QPID 2>/dev/null' EXIT INT TERM; \
	DATABASE_URL=$(DEMO_DB) $(BIN)/python manage.py runserver 127.0.0.1:8000

# Two workers (pytest-xdist): each gets its own test database.
TEST_WORKERS ?= 2

test: install system-deps
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

lint: install
	$(BIN)/ruff check .

check: install
	DATABASE_URL=sqlite:///$(CURDIR)/var/check.sqlite3 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .

# Benchmarks (not timed tests): writes JSON figures to bench/results/.
bench: install
	$(BIN)/python -m bench.run $(BENCH)

clean:
	rm -rf var/pilot-grants.sqlite3* var/check.sqlite3*
