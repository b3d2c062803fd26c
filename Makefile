# Two commands on a fresh machine: `make run` and `make test`. Needs only Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app matcher
PYTEST_ARGS ?=
# `make run PORT=5050` serves on another port.
PORT ?= 5000
# Links in the emails point at the server that `make run` or `make demo` starts (the port
# included); set BASE_URL for a public address.
BASE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: install install-test translations bytecode run demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Catalogs compile as part of the install.
translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile --use-fuzzy -d matcher/translations

# matcher's own bytecode, as pip writes it for a regular install (the editable one does not):
# where PYTHONDONTWRITEBYTECODE is set, every `python -m matcher` or `flask` process would
# otherwise compile matcher's source again (about 0.025 s of the CSV command's 0.5 s).
# Only changed files are compiled; a file edited since is compiled from source as usual.
bytecode: $(VENV)/.installed
	$(BIN)/python -m compileall -q matcher

install: $(VENV)/.installed translations bytecode

install-test: $(VENV)/.installed-test translations bytecode

# The mail worker runs beside the server and stops with it; in development the emails are
# written to instance/mail/ (one .eml file each).
run: install
	$(FLASK) db upgrade
	BASE_URL=$(BASE_URL) $(FLASK) send-mail & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	BASE_URL=$(BASE_URL) $(FLASK) run --host 127.0.0.1 --port $(PORT)

# The demo data is loaded once: a second `make demo` says so, repeats the logins and serves it.
# Its mail worker writes the emails (sign-up links, ...) to instance/mail/ as `make run` does.
demo: install
	MATCHER_ENV=demo $(FLASK) db upgrade
	-MATCHER_ENV=demo $(FLASK) demo-data
	BASE_URL=$(BASE_URL) MATCHER_ENV=demo $(FLASK) send-mail & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	BASE_URL=$(BASE_URL) MATCHER_ENV=demo $(FLASK) run --host 127.0.0.1 --port $(PORT)

# Any pytest failure fails the target, "no tests ran" (exit 5) included. Without a Chromium
# the browser tests are skipped with one line (with CI=true they fail): see README.md.
test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy matcher/engine matcher/services

# Engine benchmarks (docs/performance.md); BIG=1 adds N = 20,000 (a few minutes more),
# CPU=1 times in CPU seconds (steadier on a machine shared with other work).
bench: install
	$(BIN)/python benchmarks/bench_engine.py $(if $(BIG),--big) $(if $(CPU),--cpu)

# Refresh the message catalogs after changing user-facing strings.
messages: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o matcher/translations/messages.pot .
	$(BIN)/pybabel -q update -i matcher/translations/messages.pot -d matcher/translations

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .mypy_cache .ruff_cache
