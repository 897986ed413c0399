# The local runtime (issue 3): the whole stack from template.yaml on an embedded moto server, no Docker.
#   make local [PORT=3000] [WARP=3600] [LOGS=1]   start it; Ctrl-C stops everything
#   make token USER=resident                      print a token for a demo user (make local must be running)
#   make demo                                     a scripted day at the desk (against make local, or a fresh stack)
#   make test-e2e                                 HTTP tests against stacks started on free ports
VENV ?= .venv
LOCAL_PYTHON := $(VENV)/bin/python
PORT ?= 3000
WARP ?= 1

.PHONY: local token demo test-e2e

local: setup ## Start the whole stack locally: http://127.0.0.1:$(PORT) (WARP=3600: an hour passes per second)
	$(LOCAL_PYTHON) -m local up --port $(PORT) --warp $(WARP) $(if $(LOGS),--logs)

token: ## Print a token for a demo user of the running stack: make token USER=desk
	@$(LOCAL_PYTHON) -m local token $(USER)

demo: setup ## A scripted day at the desk through the public API; exits non-zero if anything is off
	$(LOCAL_PYTHON) -m local demo

test-e2e: setup ## End-to-end tests: local stacks on free ports, driven over HTTP
	$(LOCAL_PYTHON) -m pytest tests/e2e -m e2e -q
