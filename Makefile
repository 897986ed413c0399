# PropDesk: `make setup` once, then `make local` (the whole stack here) or `make test` (every check CI runs).
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The Lambda runtime is python3.13; pyenv machines keep it under ~/.pyenv/versions.
PYTHON313 ?= $(shell for p in python3.13 $(HOME)/.pyenv/versions/3.13*/bin/python3.13; do \
	  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null \
	  && { command -v $$p; break; }; done)
VENV ?= .venv
TOOLS ?= .venv-tools
PY := $(VENV)/bin/python
export AWS_DEFAULT_REGION ?= us-east-1
export SAM_CLI_TELEMETRY := 0
PYTEST_ARGS ?=
# Three workers on two cores: the local-stack scenarios spend much of their time waiting for the stack to settle.
TEST_WORKERS ?= 3
LINT_EXTRA ?=  # mk/*.mk fragments add their own checks (e.g. asl)

.PHONY: help setup lint format typecheck templates test test-unit test-integration build build-check deploy clean

help:  ## list the targets
	@grep -hE '^[A-Za-z0-9_-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

$(VENV)/.installed: requirements/runtime.txt requirements/dev.txt
	@test -n "$(PYTHON313)" || { echo "python3.13 not found (set PYTHON313=/path/to/python3.13)"; exit 1; }
	test -x $(PY) || $(PYTHON313) -m venv $(VENV)
	@echo "installing the pinned dependencies into $(VENV) (the first time takes a few minutes)"
	set -o pipefail; $(PY) -m pip install --disable-pip-version-check --progress-bar on -r requirements/dev.txt | sed '/^Requirement already satisfied/d'
	@echo "$(VENV) is ready"
	touch $@

$(TOOLS)/.installed: requirements/tools.txt
	@test -n "$(PYTHON313)" || { echo "python3.13 not found (set PYTHON313=/path/to/python3.13)"; exit 1; }
	test -x $(TOOLS)/bin/python || $(PYTHON313) -m venv $(TOOLS)
	@echo "installing aws-sam-cli and cfn-lint into $(TOOLS) (the first time takes a few minutes)"
	set -o pipefail; $(TOOLS)/bin/python -m pip install --disable-pip-version-check --progress-bar on -r requirements/tools.txt | sed '/^Requirement already satisfied/d'
	@echo "$(TOOLS) is ready"
	touch $@

setup: $(VENV)/.installed $(TOOLS)/.installed  ## create the venvs and install pinned dependencies (idempotent)

lint: setup  ## ruff, mypy, cfn-lint, sam validate --lint
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MAKE) --no-print-directory typecheck templates $(LINT_EXTRA)

format: setup  ## apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: setup  ## mypy over the domain, then each function on its own path
	MYPYPATH=layers/core $(VENV)/bin/mypy layers/core/propdesk
	@for fn in functions/*/; do \
	  echo "mypy $$fn"; MYPYPATH=layers/core:$$fn $(VENV)/bin/mypy $$fn || exit 1; done

templates: setup  ## cfn-lint and sam validate --lint
	$(TOOLS)/bin/cfn-lint template.yaml
	$(TOOLS)/bin/sam validate --lint --template template.yaml --region $(AWS_DEFAULT_REGION)

test-unit: setup  ## the pure domain, no AWS
	$(PY) -m pytest tests/unit -q $(PYTEST_ARGS)

test-integration: setup  ## handlers in-process on moto, real state machines
	$(PY) -m pytest tests/integration -q $(PYTEST_ARGS)

test: lint  ## everything CI checks: lint, types, templates, all tests with coverage
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile --cov --cov-report=term $(PYTEST_ARGS)

build-check: setup  ## sam build, then import and invoke every built handler in a bare python3.13 as Lambda would
	$(PY) -m pytest tests/build -q -p no:xdist --no-cov $(PYTEST_ARGS)

build: setup  ## sam build (needs python3.13 on PATH)
	PATH="$(dir $(PYTHON313)):$$PATH" $(TOOLS)/bin/sam build --template template.yaml

deploy: build  ## sam deploy --guided
	$(TOOLS)/bin/sam deploy --guided

clean:  ## remove build output and caches (keeps the venvs)
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov

-include mk/*.mk
