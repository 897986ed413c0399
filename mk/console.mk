# The desk console (issue 16): a single-page app on the public API only, in console/ with its own npm lock.
#   make console        npm ci (console/package-lock.json), the typed client from the API's OpenAPI document,
#                       type check and vite build into console/dist (git-ignored); make local serves it
#   make console-size   the gzipped JavaScript of the console's first load, for BENCHMARKS.md
#   make publish-console after sam deploy: console/dist and its config.json to the stack's ConsoleBucket;
#                       CONSOLE_STACK=local publishes to the running `make local` stack's bucket (on moto)
CONSOLE_SOURCES := $(filter-out console/src/api/schema.d.ts,$(shell find console/src -type f 2>/dev/null)) \
	console/index.html console/vite.config.ts console/tsconfig.json
API_SOURCES := $(shell find functions/api layers/core/propdesk -name '*.py' 2>/dev/null)

CONSOLE_STACK ?= propdesk-dev
LOCAL_STATE ?= .local

.PHONY: console console-size publish-console

console/node_modules/.installed: console/package.json console/package-lock.json
	cd console && npm ci --no-audit --no-fund --silent
	touch $@

# The document is produced offline by the api function itself, so the client cannot drift from the routes.
console/build/openapi.json: $(VENV)/.installed $(API_SOURCES) console/scripts/openapi_document.py
	$(PY) console/scripts/openapi_document.py $@

console/src/api/schema.d.ts: console/build/openapi.json console/node_modules/.installed
	cd console && npx --no-install openapi-typescript build/openapi.json -o src/api/schema.d.ts --silent

console/dist/index.html: console/src/api/schema.d.ts $(CONSOLE_SOURCES)
	cd console && npx --no-install tsc --noEmit && npx --no-install vite build --logLevel warn

console: console/dist/index.html ## Build the desk console (console/dist), served by make local

console-size: console ## Gzipped size of the JavaScript the console's first page load fetches
	@$(PY) console/scripts/first_load.py console/dist

publish-console: console ## Upload the console and its config.json to a deployed stack (CONSOLE_STACK=propdesk-dev, or local)
ifeq ($(CONSOLE_STACK),local)
	$(PY) console/scripts/publish.py --local $(LOCAL_STATE)
else
	$(PY) console/scripts/publish.py --stack $(CONSOLE_STACK) --region $(AWS_DEFAULT_REGION)
endif

test: console
local: console
