# Every target sets up what it needs: a virtual environment in .venv with qualcode installed.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
DEMO_DB ?= demo.db

.PHONY: demo test lint bench fuzz stress mutate catalogs clean

$(BIN)/qualcode: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

## The main job: the coding workbench on the demo project (codebook + demo transcripts).
demo: $(BIN)/qualcode
	$(BIN)/qualcode demo --db $(DEMO_DB)

## The whole test suite, against SQLite and a throwaway PostgreSQL server on 127.0.0.1.
test: $(BIN)/qualcode
	./scripts/ensure-postgres
	$(BIN)/ruff check src tests bench migrations
	$(BIN)/lint-imports
	$(BIN)/pytest -n 2 --dist worksteal -q

lint: $(BIN)/qualcode
	$(BIN)/ruff check src tests bench migrations
	$(BIN)/lint-imports

## Property-based tests of every reader, with many more examples than the suite runs.
fuzz: $(BIN)/qualcode
	./scripts/ensure-postgres
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -n 2 -q -m fuzz

## Concurrent writers: 10 rounds of 8 processes x 500 codings, on SQLite and PostgreSQL.
stress: $(BIN)/qualcode
	./scripts/ensure-postgres
	QUALCODE_STRESS_ROUNDS=10 $(BIN)/pytest -q -m stress

## Mutation testing of the modules whose answers people publish (about an hour on 2 cores;
## not part of CI): each module in a scratch copy of HEAD against the tests that cover it.
## MODULES narrows it, e.g. make mutate MODULES='agreement matrices' (see scripts/mutate -h).
MODULES ?=
mutate: $(BIN)/qualcode
	./scripts/ensure-postgres
	$(BIN)/pip install -q 'mutmut>=3.3,<4'
	$(BIN)/python scripts/mutate $(MODULES)

## Translations: extract marked strings, update the German catalog, compile it (Babel).
catalogs: $(BIN)/qualcode
	$(BIN)/python scripts/catalogs.py update

## Benchmarks (not part of the tests): figures as JSON.
bench: $(BIN)/qualcode
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
