# Rapport: the project's commands. `make up` starts everything with demo data; `make test` runs every test.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
# uv on PATH, else the one deploy/local/install-prereqs.sh put under .local/uv.
UV ?= $(shell command -v uv 2>/dev/null || echo .local/uv/bin/uv)
RUN := $(UV) run --frozen --all-packages
# The packages whose pages and messages are translated (chassis.i18n).
TRANSLATED := $(wildcard services/*/src/*)

.PHONY: up down test unit bench check lint format typecheck schemas asyncapi install status translations rebuild-reports

install: ## Install what is missing (Debian packages, uv), then the Python workspace into .venv (from uv.lock)
	bash deploy/local/install-prereqs.sh
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

check: lint typecheck ## Lint, format check, type check, contract compatibility, AsyncAPI up to date, every string translated
	$(RUN) python -m chassis.i18n check $(TRANSLATED)
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

translations: ## Add new UI strings to the Chinese catalogues (services/*/src/*/locale) for translation
	$(RUN) python -m chassis.i18n update $(TRANSLATED)

schemas: ## Regenerate the committed JSON Schemas after a compatible contract change
	$(RUN) python -m contracts.schemas write

asyncapi: ## Generate docs/asyncapi.yaml from the contracts
	$(RUN) python -m contracts.asyncapi docs/asyncapi.yaml
