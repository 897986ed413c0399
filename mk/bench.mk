# Benchmarks and the cost model (issue 7): speed and cost measured, written to BENCHMARKS.md.
#   make bench            everything; rewrites bench's sections of BENCHMARKS.md (under 10 minutes)
#   make bench-local      throughput of the local stack over HTTP, workflows on (part of make bench)
#   make bench-coldstart  the cold-start budget: API-path handlers import in <= 1.3x `import boto3`; exits 1 if not
# Neither is part of `make test`: they are timings. The deterministic budgets are tests/integration/test_budgets.py.
BENCH_RUNS ?= 7
BENCH_LOCAL_TICKETS ?= 200

.PHONY: bench bench-coldstart bench-local

bench: setup ## Measure cold starts, DynamoDB requests, workflow, cost, latency, throughput -> BENCHMARKS.md
	$(VENV)/bin/python -m bench --runs $(BENCH_RUNS) all
	$(VENV)/bin/python -m bench.throughput_local $(BENCH_LOCAL_TICKETS)

bench-local: setup ## Throughput of the local stack: tickets over HTTP, workflows and warped timers running
	$(VENV)/bin/python -m bench.throughput_local $(BENCH_LOCAL_TICKETS)

bench-coldstart: setup ## Fail when an API-path handler imports in more than 1.3x the time of `import boto3`
	$(VENV)/bin/python -m bench --runs $(BENCH_RUNS) coldstart --check
