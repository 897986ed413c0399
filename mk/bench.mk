# Benchmarks and the cost model (issue 7): speed and cost measured, written to BENCHMARKS.md.
#   make bench            everything; rewrites bench's sections of BENCHMARKS.md (under 10 minutes)
#   make bench-coldstart  the cold-start budget: API-path handlers import in <= 1.3x `import boto3`; exits 1 if not
# Neither is part of `make test`: they are timings. The deterministic budgets are tests/integration/test_budgets.py.
BENCH_RUNS ?= 7

.PHONY: bench bench-coldstart

bench: setup ## Measure cold starts, DynamoDB requests, workflow, cost, latency, throughput -> BENCHMARKS.md
	$(VENV)/bin/python -m bench --runs $(BENCH_RUNS) all

bench-coldstart: setup ## Fail when an API-path handler imports in more than 1.3x the time of `import boto3`
	$(VENV)/bin/python -m bench --runs $(BENCH_RUNS) coldstart --check
