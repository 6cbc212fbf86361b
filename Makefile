# tracker: install, run, test.
#
#   make install   virtualenv in .venv, the project and its translations
#   make run       migrate, load the demo ward, serve on http://127.0.0.1:5000 with the scheduler,
#                  all on the demo's date (TRACKER_DEMO_TODAY=2024-03-12)
#   make test      lint, then the whole suite on SQLite and, when TRACKER_TEST_DATABASE_URL
#                  is set, again on PostgreSQL (browser tests: Debian's chromium; PDF: LibreOffice)
#   make screenshots  the browser journeys, then their screenshots over the README's pictures
#   make lint      ruff check
#   make bench     the benchmark scripts in bench/ (if any), with BENCH_ARGS
#   make clean     caches, compiled translations, build leftovers (keeps .venv and instance/)

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
TRACKER := $(BIN)/tracker
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=
BENCH_ARGS ?=
TRANSLATIONS := tracker/translations
CHROMIUM := /usr/bin/chromium
CHROMIUM_VI := /usr/lib/chromium/locales/vi.pak
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Stamps: `pip install` runs again only when pyproject.toml changes (or the venv is new).
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.installed-test

.PHONY: help install install-test translations chromium libreoffice pg-client run test screenshots lint bench clean

help:
	@sed -n '1,11s/^# \{0,1\}//p' $(firstword $(MAKEFILE_LIST))

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_INSTALLED): pyproject.toml $(INSTALLED)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(INSTALLED) translations

install-test: $(TEST_INSTALLED) translations

# Compiled catalogues (.mo) are not committed; compile them when there is anything to compile.
translations: $(INSTALLED)
	@if compgen -G '$(TRANSLATIONS)/*/LC_MESSAGES/*.po' > /dev/null; then \
	  $(BIN)/pybabel -q compile -d $(TRANSLATIONS); \
	else \
	  echo "translations: no .po files in $(TRANSLATIONS), nothing to compile"; \
	fi

# Browser tests drive Debian's Chromium (never a browser downloaded by Playwright);
# chromium-l10n gives it Vietnamese (date inputs read dd/mm/yyyy in the screenshots).
chromium:
	@if [ ! -x $(CHROMIUM) ] || [ ! -e $(CHROMIUM_VI) ]; then \
	  echo "chromium: installing Debian's chromium, chromium-l10n and chromium-driver"; \
	  $(SUDO) apt-get update -q; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -q chromium chromium-l10n chromium-driver; \
	fi

# PDF exports (minutes, the appendix) go through LibreOffice headless; without it the pages
# offer Word and Excel only. The tests convert a file when it is there, so `make test` installs it.
SOFFICE := /usr/bin/soffice

libreoffice:
	@if [ ! -x $(SOFFICE) ]; then \
	  echo "libreoffice: installing Debian's libreoffice-writer-nogui and libreoffice-calc-nogui"; \
	  $(SUDO) apt-get update -q; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -q libreoffice-writer-nogui libreoffice-calc-nogui; \
	fi

# Backups of a PostgreSQL database go through pg_dump and pg_restore (`tracker backup`,
# `tracker restore`); the tests take and restore one, so `make test` installs them.
PG_DUMP := /usr/bin/pg_dump

pg-client:
	@if [ ! -x $(PG_DUMP) ]; then \
	  echo "pg-client: installing Debian's postgresql-client"; \
	  $(SUDO) apt-get update -q; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-client; \
	fi

# Processes that `make run` starts in the background next to the web server and stops with it.
# The scheduler (reminders, digests) is its own process, so the reloader cannot run it twice.
# In development its emails go to the outbox, not to a mail server: see them at
# http://127.0.0.1:5000/reminders/outbox (a leader's login), each officer's at /reminders.
# To send for real, run `MAIL_SERVER=… MAIL_PORT=… TRACKER_MAIL_TRANSPORT=smtp make run`.
# The demo lives on the date of its report (Vĩnh Hòa's figures as of 12/03/2024): the pages,
# the demo load and the scheduler's reminders all read it (config.py, tracker/core/clock.py),
# and every page says so. `make run TRACKER_DEMO_TODAY=` runs it on the real date instead.
TRACKER_MAIL_TRANSPORT ?= outbox
TRACKER_DEMO_TODAY ?= 2024-03-12
DEMO := TRACKER_DEMO_TODAY=$(TRACKER_DEMO_TODAY)
# `flask run` sets app.debug from FLASK_DEBUG, not from the development configuration: the web
# server is told to open the outbox page whenever the scheduler writes to the outbox.
OUTBOX_PAGE := $(if $(filter outbox,$(TRACKER_MAIL_TRANSPORT)),TRACKER_MAIL_OUTBOX=1)
BACKGROUND := $(DEMO) TRACKER_MAIL_TRANSPORT=$(TRACKER_MAIL_TRANSPORT) $(TRACKER) scheduler

run: install
	$(TRACKER) db upgrade
	$(DEMO) $(TRACKER) demo load
	@trap 'kill $$(jobs -p) 2> /dev/null || true' EXIT; \
	$(if $(strip $(BACKGROUND)),$(BACKGROUND) &) \
	$(DEMO) $(OUTBOX_PAGE) $(TRACKER) run --host $(HOST) --port $(PORT)

lint: $(TEST_INSTALLED)
	$(BIN)/ruff check .

# Both runs always happen, side by side (each is mostly one core's work: the machine has two),
# each into its log, printed whole when both are over; the target fails if either failed.
# TEST_PARALLEL=0 runs them one after the other instead.
TEST_PARALLEL ?= 1
TEST_LOGS := tests/artifacts/logs

test: install-test chromium libreoffice pg-client lint
	@mkdir -p $(TEST_LOGS); status=0; start=$$SECONDS; \
	sqlite_run() { env -u TRACKER_TEST_DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS) \
	  > $(TEST_LOGS)/sqlite.log 2>&1; }; \
	pg_run() { $(BIN)/pytest $(PYTEST_ARGS) > $(TEST_LOGS)/postgresql.log 2>&1; }; \
	if [ -z "$${TRACKER_TEST_DATABASE_URL:-}" ]; then \
	  echo "== tests on SQLite (PostgreSQL run skipped: TRACKER_TEST_DATABASE_URL is not set)"; \
	  sqlite_run || status=1; cat $(TEST_LOGS)/sqlite.log; \
	else \
	  echo "== tests on SQLite and on PostgreSQL ($${TRACKER_TEST_DATABASE_URL%%://*})"; \
	  if [ "$(TEST_PARALLEL)" = 1 ]; then \
	    sqlite_run & sqlite_pid=$$!; pg_run & pg_pid=$$!; \
	    wait $$sqlite_pid || status=1; wait $$pg_pid || status=1; \
	  else \
	    sqlite_run || status=1; pg_run || status=1; \
	  fi; \
	  echo "== SQLite run"; cat $(TEST_LOGS)/sqlite.log; \
	  echo "== PostgreSQL run"; cat $(TEST_LOGS)/postgresql.log; \
	fi; \
	echo "== tests: $$((SECONDS - start)) s"; \
	exit $$status

# Tests write their screenshots under tests/artifacts/ only (the SQLite run; a hundred of them,
# for a person to look at); this refreshes the README's pictures in docs/screenshots/ from them.
SHOTS := tests/artifacts/screenshots

screenshots: install-test chromium libreoffice
	rm -rf $(SHOTS)
	env -u TRACKER_TEST_DATABASE_URL $(BIN)/pytest -q -m browser tests/browser
	@for picture in docs/screenshots/*.png; do \
	  name=$$(basename "$$picture"); \
	  if [ -e "$(SHOTS)/$$name" ]; then cp "$(SHOTS)/$$name" "$$picture"; fi; \
	done
	@git status --short docs/screenshots

bench: install
	@shopt -s nullglob; scripts=(bench/*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "bench: no scripts in bench/"; exit 0; fi; \
	for script in "$${scripts[@]}"; do \
	  echo "== $$script"; \
	  $(BIN)/python "$$script" $(BENCH_ARGS); \
	done

clean:
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
	find $(TRANSLATIONS) -name '*.mo' -delete 2> /dev/null || true
	rm -rf .pytest_cache .ruff_cache build dist *.egg-info tests/artifacts
	rm -f $(INSTALLED) $(TEST_INSTALLED)
