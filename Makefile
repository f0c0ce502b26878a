# Fortune Compass backend. `make run` starts the whole system; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
PYTEST := $(PY) -m pytest -p no:cacheprovider

.PHONY: help venv node browser wrk prometheus pg-client status run test test-sqlite test-postgres \
        check lint format types schema schema-check migrate seed bench bench-auth gc clean backup \
        restore backup-verify fsck nginx cluster cluster-stop cluster-rolling-restart cluster-heal \
        cluster-status soak netns hosts-latency docker image

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

venv: $(UV) ## Create .venv from the lock file (uv.lock)
	$(UV) sync --frozen --quiet

node: ## Install the pinned npm packages (GraphiQL assets, graphql-http, Apollo Client, the bench's Apollo Server)
	@if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
		npm ci --no-audit --no-fund --loglevel=error; fi

browser: ## Install Debian's Chromium for the browser test (once per machine)
	@bash scripts/install-browser.sh

wrk: ## Install Debian's wrk for the bench and its tests (once per machine)
	@bash scripts/install-wrk.sh

# What a developer runs on a laptop is development, unless FC_ENVIRONMENT says otherwise; a
# process started any other way without FC_ENVIRONMENT is production.
run migrate seed gc: export FC_ENVIRONMENT ?= development

prometheus: ## Install Debian's prometheus (promtool, and the e2e test's server) once per machine
	@bash scripts/install-prometheus.sh

status: venv ## Health monitor of the running system (STATUS_ARGS=--json / --watch); exit 0/1/2
	@$(PY) -m scripts.status $(STATUS_ARGS)

pg-client: ## Install Debian's PostgreSQL client tools (pg_dump, pg_restore) for backups, once
	@bash scripts/install-pg-client.sh

run: venv node ## Migrate, seed the demo account and start all three processes
	$(PY) -m scripts.run_all

test: venv node browser wrk prometheus pg-client nginx netns docker ## Run the whole suite on SQLite, then the data and e2e suites on PostgreSQL
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	$(PYTEST) tests

# The browser test does not touch a database, so the PostgreSQL pass leaves it out.
test-postgres:
	FC_TEST_DB=postgresql $(PYTEST) tests/calendar_svc tests/diary_svc tests/graph_gateway tests/e2e \
		tests/migrations \
		-m "not browser"

netns: ## Install iproute2 and iptables (the across-hosts test's namespaces and latency), once
	@bash scripts/install-netns.sh

hosts-latency: venv netns ## The month view across hosts (network namespaces), with and without 2 ms
	$(PY) -m cluster.latency_report $(HOSTS_ARGS)

nginx: ## Install Debian's nginx (the cluster's load balancer and TLS) and openssl, once per machine
	@bash scripts/install-nginx.sh

# Containers. The Debian engine's client (/usr/bin/docker) builds with BuildKit, which the app's
# Dockerfile needs; a newer client elsewhere on PATH may lack the buildx plugin for it.
DOCKER ?= $(shell test -x /usr/bin/docker && echo /usr/bin/docker || echo docker)
# Where no registry is reachable, the images build FROM a debootstrapped Debian (made once per
# machine); elsewhere `make image BASE_IMAGE=python:3.11-slim`.
BASE_IMAGE ?= fc-debian-base:bookworm
IMAGE ?= fortune-compass:latest
# The host's CA bundle, for a machine whose HTTPS to PyPI goes through its own CA (a build secret).
CA_BUNDLE ?= $(firstword $(wildcard $(SSL_CERT_FILE) /etc/ssl/certs/ca-certificates.crt))
comma := ,
BUILD := DOCKER_BUILDKIT=1 $(DOCKER) build -q --label org.fortune-compass.image=1 \
	--build-arg BASE_IMAGE=$(BASE_IMAGE)

docker: ## Install Debian's Docker engine, docker-compose and debootstrap; start dockerd (vfs)
	@bash scripts/install-docker.sh

image: docker node ## Build the base image if missing (BASE_IMAGE), then the app's and the cluster's images
	@if [ "$(BASE_IMAGE)" = fc-debian-base:bookworm ]; then DOCKER=$(DOCKER) bash scripts/make-debian-base.sh; fi
	$(BUILD) -f deploy/Dockerfile -t $(IMAGE) --build-arg FC_BUILD_COMMIT=$$(git rev-parse --short=12 HEAD) \
		$(if $(UV_INDEX_URL),--build-arg UV_INDEX_URL=$(UV_INDEX_URL)) \
		$(if $(CA_BUNDLE),--secret id=ca_bundle$(comma)src=$(CA_BUNDLE)) .
	@for kind in nginx postgres redis prometheus; do \
		$(BUILD) -f deploy/docker/$$kind.Dockerfile -t fc-$$kind:latest . >/dev/null || exit 1; done
	@# Every layer is a whole copy under vfs: drop this project's replaced images, bound the cache.
	@$(DOCKER) image prune -f --filter label=org.fortune-compass.image=1 >/dev/null
	@$(DOCKER) builder prune -f --keep-storage 4GB >/dev/null

# The cluster: nginx (TLS) in front of 2 gateways, 2 calendar and 2 diary replicas on PostgreSQL
# and Redis. Settings given to `make cluster` (GATEWAY_*, FC_*, …) stay the cluster's own.
cluster: venv nginx ## Start the cluster in the background (CLUSTER_* variables; see README)
	$(PY) -m cluster up

cluster-stop: venv ## Stop the cluster (every replica drains first)
	$(PY) -m cluster down

cluster-rolling-restart: venv ## Replace every replica one by one, no request lost (RELEASE=<checkout>)
	$(PY) -m cluster rolling-restart $(if $(RELEASE),--release $(RELEASE))

cluster-heal: venv ## Start again whatever replica of the cluster died
	$(PY) -m cluster heal

cluster-status: venv ## Which replicas of the cluster are alive
	$(PY) -m cluster status

soak: venv nginx wrk ## A cluster under load for SOAK_MINUTES (20): memory and open files per minute
	$(PY) -m cluster.soak --minutes $(or $(SOAK_MINUTES),20)

check: lint types test ## Lint, type-check, then run the tests

lint: venv ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv ## Apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

types: venv ## mypy strict
	$(VENV)/bin/mypy

schema: venv ## Write schema/schema.graphql and each service's OpenAPI JSON
	$(PY) -m scripts.export_schema

schema-check: venv ## Fail on an unacknowledged breaking change to the GraphQL schema
	$(PY) -m scripts.schema_check

migrate: venv ## Apply every process's migrations to the configured databases
	$(PY) -m scripts.migrate

seed: venv ## Seed the demo account and a month of demo data (idempotent)
	$(PY) -m scripts.seed

bench: venv node wrk ## Benchmark the gateway against the direct service calls and Apollo Server (BENCH_ARGS=--quick)
	$(PY) -m bench.run $(BENCH_ARGS)

bench-auth: venv ## Measure what checking a session or API key costs per request
	$(PY) -m bench.auth_cost $(BENCH_ARGS)

gc: venv ## Remove image files that no metadata row refers to
	$(PY) -m diary_svc.gc

backup: venv ## Online backup of all databases and images (BACKUP_DIR; BACKUP_ARGS=--verify)
	$(PY) -m backup backup $(BACKUP_ARGS)

restore: venv ## Restore BACKUP=<dir> into the configured data locations (the system must be stopped)
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=<backup dir>"; exit 2; }
	$(PY) -m backup restore "$(BACKUP)"

backup-verify: venv ## Restore BACKUP=<dir> into a temporary place and check it
	@test -n "$(BACKUP)" || { echo "usage: make backup-verify BACKUP=<backup dir>"; exit 2; }
	$(PY) -m backup verify "$(BACKUP)"

fsck: venv ## Find dangling references across services (FSCK_ARGS=--repair to fix them)
	$(PY) -m backup fsck $(FSCK_ARGS)

clean: ## Remove the environments and local data
	rm -rf $(VENV) $(TOOLS) node_modules data
