# make run · make test · make e2e · make lint   (see README.md)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run serve-prod loadtest test e2e fuzz faults browser nginx lint format install install-dev db-upgrade seed clean translations extract-messages bench bench-memory

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

CATALOGUES := $(wildcard marketplace/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

translations: $(COMPILED)

install: $(VENV)/.installed translations
install-dev: $(VENV)/.installed-dev translations

# After adding or changing user-visible strings: extract, then translate the new entries.
extract-messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --omit-header \
		-o marketplace/translations/messages.pot .
	$(BIN)/pybabel update -i marketplace/translations/messages.pot -d marketplace/translations \
		--no-fuzzy-matching --width 100

db-upgrade: install
	$(BIN)/flask db upgrade

seed: db-upgrade
	$(BIN)/flask seed-demo --if-empty

run: seed
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# The production stack on this machine: nginx (marketplace/nginx.conf.template) on PROD_LISTEN,
# in front of gunicorn (marketplace/gunicorn_conf.py: WEB_CONCURRENCY processes) on
# 127.0.0.1:PROD_APP_PORT only, and a job worker on Redis, against PostgreSQL, with the demo data
# if the database is empty. nginx's pid and temporary files go to a fresh directory under /tmp,
# removed on exit. SECRET_KEY comes from the environment, else from instance/secret-key (made once).
PROD_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/marketplace
PROD_PORT ?= 8000
PROD_LISTEN ?= 127.0.0.1:$(PROD_PORT)
PROD_APP_PORT ?= 8001
PROD_ENV = MARKETPLACE_ENV=production DATABASE_URL="$(PROD_DATABASE_URL)" JOB_BACKEND=rq \
	GUNICORN_BIND=127.0.0.1:$(PROD_APP_PORT) TRUSTED_PROXY_HOPS=1 \
	SECRET_KEY="$${SECRET_KEY:-$$(cat instance/secret-key)}"
NGINX := $(shell command -v nginx || echo /usr/sbin/nginx)
instance/secret-key:
	@mkdir -p instance && umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))' > $@

# Debian's nginx, the reverse proxy of the production stack and of the slow-client fault test.
nginx:
	@[ -x "$(NGINX)" ] || { $(SUDO) apt-get update && \
		{ $(SUDO) apt-get install -y nginx-light || $(SUDO) apt-get install -y nginx; }; }

serve-prod: install instance/secret-key nginx
	$(PROD_ENV) $(BIN)/flask create-database
	$(PROD_ENV) $(BIN)/flask db upgrade
	$(PROD_ENV) $(BIN)/flask seed-demo --if-empty --allow-production
	$(PROD_ENV) bash -c 'run=$$(mktemp -d /tmp/marketplace-nginx.XXXXXX); \
		trap "rm -rf $$run; kill 0" EXIT; \
		$(BIN)/python -m marketplace.nginx_conf $$run \
			--listen $(PROD_LISTEN) --upstream 127.0.0.1:$(PROD_APP_PORT) >/dev/null; \
		$(BIN)/flask jobs worker & \
		$(BIN)/gunicorn --config marketplace/gunicorn_conf.py wsgi:app & \
		$(NGINX) -c $$run/nginx.conf'

# Load benchmark against 127.0.0.1 only, ratios against a bare Flask app on the same gunicorn
# settings: the shift list (SQLite, PostgreSQL), ranking on 100,000 workers, the morning rush.
# About ten minutes; figures in bench/loadtest_results.json. LOADTEST_ARGS="--skip rush" etc.
loadtest: install-dev
	@command -v wrk >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y wrk; }
	$(BIN)/python tests/perf/loadtest.py $(LOADTEST_ARGS)

# The unit, service and web suites; the browser tests (tests/e2e) and the API fuzzing
# (tests/fuzz) are left to `make e2e` and `make fuzz` by pyproject's --ignore options.
test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Debian's chromium drives the browser tests: Playwright's own browser download is never used.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y chromium fonts-noto-cjk; \
	fi

# Browser tests against the app served by gunicorn on 127.0.0.1 with a fresh seeded database;
# screenshots of the main pages are left in test-output/screenshots/.
e2e: install-dev browser
	$(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

# schemathesis over every /api/v1 operation on the demo data (FUZZ_EXAMPLES cases each).
FUZZ_EXAMPLES ?= 60
fuzz: install-dev
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/fuzz $(PYTEST_ARGS)

# Fault tests: job workers killed mid-run, PostgreSQL connections killed while requests flow and
# between a commit and its response, a read-only or full database file, slow clients through
# nginx, Redis down during an enqueue. They start real processes against PostgreSQL and Redis.
faults: install-dev nginx
	$(BIN)/python -m pytest tests/faults $(PYTEST_ARGS)

# Benchmarks: ratios against baselines timed in the same run; prints a table, writes bench/results.json;
# then a 20,000-row roster imported twice on a temporary SQLite file (bench/roster_results.json),
# then bench-memory.
bench: install-dev
	$(BIN)/python tests/perf/bench_matching.py
	$(BIN)/python tests/perf/bench_roster.py
	$(BIN)/python tests/perf/bench_roster_memory.py

# Peak memory growth of the serving process while it takes a hostile workbook (one 240 MB cell)
# and an accepted roster through the upload form (bench/roster_memory_results.json).
bench-memory: install-dev
	$(BIN)/python tests/perf/bench_roster_memory.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-output
