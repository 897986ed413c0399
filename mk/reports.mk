# Scheduled jobs and reports (issue 6): the browser the HTML-report test opens, and the report benchmark.
#   make chromium       install Debian's chromium (and CJK fonts) when /usr/bin/chromium is missing; part of `make test`
#   make bench-report   the monthly report of a property with 100,000 tickets -> BENCHMARKS.md
BENCH_REPORT_TICKETS ?= 100000
# generated: the report's own time and memory; moto: through the tickets table too (slow past 10,000 on moto)
BENCH_REPORT_SOURCE ?= generated

.PHONY: chromium bench-report

test: chromium

chromium: ## Install headless Chromium for the HTML report test (apt-get; needs root or sudo)
	@if [ -x /usr/bin/chromium ]; then echo "chromium: $$(/usr/bin/chromium --version 2>/dev/null)"; else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	    chromium fonts-noto-cjk; fi

bench-report: setup ## Time and peak memory of the monthly report of 100,000 tickets (BENCH_REPORT_TICKETS=...)
	$(VENV)/bin/python -m bench.report_100k --tickets $(BENCH_REPORT_TICKETS) --source $(BENCH_REPORT_SOURCE)
