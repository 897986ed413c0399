# The ticket workflow (issue 4): Amazon States Language checks of statemachines/*.asl.json.
#   make lint-asl      validate every state machine with asl-validator (pinned in package.json)
#   make node_modules  install the pinned Node tools (npm ci, from package-lock.json)
LINT_EXTRA += lint-asl

.PHONY: lint-asl node_modules

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

node_modules: node_modules/.installed  ## install the pinned Node tools (asl-validator)

lint-asl: node_modules/.installed  ## validate statemachines/*.asl.json (Amazon States Language)
	@for f in statemachines/*.asl.json; do \
	  npx --no-install asl-validator --json-path $$f || exit 1; done
