# The local runtime (issue 3): the whole stack from template.yaml on an embedded moto server, no Docker.
#   make local [PORT=3000] [WARP=3600] [LOGS=1]   start it; Ctrl-C stops everything
#   make token USER=resident                      print a token for a demo user (make local must be running)
#   make demo                                     a scripted day at the desk (against make local, or a fresh stack)
#   make test-e2e                                 HTTP tests against stacks started on free ports
VENV ?= .venv
LOCAL_PYTHON := $(VENV)/bin/python
PORT ?= 3000
WARP ?= 1

NAME ?=
EVENT ?=

# A port already taken says which PORT= to use instead of ending in a traceback.
define PORT_FREE
import socket, sys
port = int(sys.argv[1])
with socket.socket() as s:
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            sys.exit(f"port {port} is in use (another make local?): pick another, e.g. make local PORT={free.getsockname()[1]}")
endef
export PORT_FREE

.PHONY: local token users fire invoke demo test-e2e

local: setup ## Start the whole stack locally: http://127.0.0.1:$(PORT) (WARP=3600: an hour passes per second)
	@$(LOCAL_PYTHON) -c "$$PORT_FREE" $(PORT)
	$(LOCAL_PYTHON) -m local up --port $(PORT) --warp $(WARP) $(if $(LOGS),--logs)

users: ## List the demo users a token can be printed for (make local must be running)
	@$(LOCAL_PYTHON) -m local users

fire: ## Fire a schedule of the running stack now: make fire NAME=propdesk-local-DailyReportSchedule
	@test -n "$(NAME)" || { echo "usage: make fire NAME=<schedule name or logical id>"; exit 2; }
	@$(LOCAL_PYTHON) -m local fire $(NAME)

invoke: ## Invoke a function of the running stack: make invoke NAME=ApiFunction EVENT=events/api-create-ticket.json
	@test -n "$(NAME)" || { echo "usage: make invoke NAME=<function> [EVENT=events/<sample>.json]"; exit 2; }
	@$(LOCAL_PYTHON) -m local invoke $(NAME) $(if $(EVENT),--event $(EVENT))

token: ## Print a token for a demo user of the running stack: make token USER=desk
	@$(LOCAL_PYTHON) -m local token $(USER)

demo: setup ## A scripted day at the desk through the public API; exits non-zero if anything is off
	$(LOCAL_PYTHON) -m local demo

test-e2e: setup ## End-to-end tests: local stacks on free ports, driven over HTTP
	$(LOCAL_PYTHON) -m pytest tests/e2e -m e2e -q
