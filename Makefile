# Rapport: the project's commands. `make up` starts everything with demo data; `make test` runs every test.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV ?= uv
RUN := $(UV) run --frozen --all-packages

.PHONY: up down test unit bench check lint format typecheck schemas asyncapi install status rebuild-reports

install: ## Install the Python workspace into .venv (from uv.lock)
	$(UV) sync --frozen --all-packages

up: install ## Start Kafka, PostgreSQL and the services in the background, with demo data
	deploy/local/stack.sh infra-up
	deploy/local/services.sh up

down: ## Stop everything `make up` started
	-deploy/local/services.sh down
	deploy/local/stack.sh infra-down

status:
	deploy/local/stack.sh status
	deploy/local/services.sh status

rebuild-reports: ## Rebuild the reporting read models from offset 0, check them against the live ones, swap
	deploy/local/services.sh rebuild-reports

check: lint typecheck ## Lint, format check, type check, contract compatibility, AsyncAPI up to date
	$(RUN) python -m contracts.schemas check
	$(RUN) python -m contracts.asyncapi | diff -q - docs/asyncapi.yaml >/dev/null \
		|| { echo "docs/asyncapi.yaml is out of date: run 'make asyncapi' and commit" >&2; exit 1; }

lint:
	$(RUN) ruff check .
	$(RUN) ruff format --check .

typecheck:
	$(RUN) mypy contracts/src services/chassis/src services/accounts/src services/complaints/src services/engagement/src services/reporting/src tools/demo/src tools/scaffold/src

format:
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

test: install check ## Every test: unit, integration, end-to-end, browser (real Kafka and PostgreSQL)
	$(RUN) pytest

unit: install ## Every unit test: no Kafka, no PostgreSQL (whatever uses `infrastructure` is integration)
	$(RUN) pytest -m "not integration" -q

bench: install ## Benchmarks (print their figures)
	$(RUN) pytest tests/bench -s -p no:randomly

schemas: ## Regenerate the committed JSON Schemas after a compatible contract change
	$(RUN) python -m contracts.schemas write

asyncapi: ## Generate docs/asyncapi.yaml from the contracts
	$(RUN) python -m contracts.asyncapi docs/asyncapi.yaml
