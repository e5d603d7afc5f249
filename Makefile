# The two commands of the README: `make run` and `make test`. Both build the environment they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench bench-analytics bench-realtime bench-processes bench-cpu crashloop fuzz clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "White Cell needs Python 3.11 or newer (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(VENV)/.installed $@

## Install, migrate the embedded SQLite database under ./data and serve on http://127.0.0.1:8000
run: $(VENV)/.installed
	$(BIN)/whitecell db upgrade
	$(BIN)/whitecell serve

## Install what tests need and run the whole suite (SQLite; PostgreSQL with WHITECELL_TEST_DATABASE_URL)
test: $(VENV)/.installed-dev
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

## Benchmark: API vs bare-driver floor on SQLite and PostgreSQL, wrk on loopback, then live
## updates at 1,000 subscribers and writes with 1, 2 and 4 processes (bench/README.md)
bench: $(VENV)/.installed
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.fanout
	$(BIN)/python -m bench.processes

## Live updates at 1,000 subscribers: SQLite one process, PostgreSQL two (bench/README.md)
bench-realtime: $(VENV)/.installed
	$(BIN)/python -m bench.fanout

## Writes on PostgreSQL with 1, 2 and 4 API processes, scoring in them or apart (bench/README.md)
bench-processes: $(VENV)/.installed
	$(BIN)/python -m bench.processes

## Server CPU per request, API and floor, on SQLite and PostgreSQL (steadier than req/s: bench/README.md)
bench-cpu: $(VENV)/.installed
	BENCH_DATABASES=$${BENCH_DATABASES:-sqlite,postgresql} $(BIN)/python -m bench.cpu

## Analytics summary over a million events, rollups vs raw events, SQLite and PostgreSQL (bench/README.md)
bench-analytics: $(VENV)/.installed
	$(BIN)/python -m bench.analytics

## Crash loop: kill -9 a real server on SQLite during concurrent writes, 25 times; nothing acknowledged lost (bench/README.md)
crashloop: $(VENV)/.installed
	$(BIN)/python -m bench.crashloop --cycles $(or $(CYCLES),25)

## Fuzz every operation of /openapi.json with schemathesis, on SQLite (and PostgreSQL with
## WHITECELL_TEST_DATABASE_URL); summaries in bench/.data/fuzz/ (docs/api.md)
fuzz: $(VENV)/.installed-dev
	$(BIN)/python -m bench.fuzz

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
