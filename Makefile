# Asamblea — two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint install install-test i18n bench-tally bench-pb bench-plan bench-votes bench-diff bench-archive bench-mobilise bench-crypto bench-notify clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## demo: create .venv, install, migrate, seed the demo federation and serve on http://127.0.0.1:8000
demo: install
	$(BIN)/asamblea db upgrade
	$(BIN)/asamblea demo
	$(BIN)/asamblea serve --host $(HOST) --port $(PORT)

## lint: ruff, mypy --strict and the import contracts (core stays pure)
lint: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

## test: install what the tests need and run the whole suite (lint included). Two workers
## with work stealing: each starts on one contiguous half (a module's fixtures are built on one
## worker, not rebuilt for each chunk) and takes from the other's tail when it runs dry. The
## twenty slowest tests are listed at the end, so that CI's log shows where the time goes.
test: lint
	$(BIN)/python -m pytest -n 2 --dist worksteal --durations=20

## i18n: extract messages from the code and templates and update the catalogs (then translate es;
## qu and ay are first drafts: what they lack is shown in Spanish and listed in <lang>/untranslated.txt)
i18n: install-test
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 --no-location --sort-output \
	  --project=asamblea -o src/asamblea/i18n/messages.pot src/asamblea
	for lang in es en; do \
	  if [ -f src/asamblea/i18n/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i src/asamblea/i18n/messages.pot \
	      -d src/asamblea/i18n -l $$lang; \
	  else \
	    $(BIN)/pybabel init -i src/asamblea/i18n/messages.pot -d src/asamblea/i18n -l $$lang; \
	  fi; \
	done
	$(BIN)/python -m asamblea.i18n.drafts

bench-tally: install-test
	$(BIN)/python benchmarks/bench_tally.py

bench-pb: install-test
	$(BIN)/python benchmarks/bench_pb.py

bench-plan: install-test
	$(BIN)/python benchmarks/bench_plan.py

bench-notify: install-test
	$(BIN)/python benchmarks/bench_notify.py

bench-votes: install-test
	$(BIN)/python benchmarks/bench_votes.py

## bench-diff: the charter's bounded word diff beside the quadratic one it replaced (issue 10)
bench-diff: install-test
	$(BIN)/python benchmarks/bench_diff.py
bench-archive: install-test
	$(BIN)/python benchmarks/bench_archive.py
	$(BIN)/python benchmarks/bench_archive_upload.py
	$(BIN)/python benchmarks/bench_archive_search.py
bench-mobilise: install-test
	$(BIN)/python benchmarks/bench_mobilise.py
## bench-crypto: encrypted ballots (make, check, a 100,000-ballot board) beside ElectionGuard 1.4
bench-crypto: install-test
	$(BIN)/python benchmarks/bench_crypto.py
	$(BIN)/python benchmarks/bench_crypto_browser.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
