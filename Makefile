# The two commands: `make run` serves the demo, `make test` runs the whole suite.
# Both set everything up on a fresh machine (Python 3.11+ and make are all they need).

PYTHON ?= python3
# Where `make run` and `make serve` listen: `make run PORT=8001` (or HOST=0.0.0.0) to change.
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run serve test install install-dev browser pango migrate demo bench lint format schema deploy-check clean

# What production runs (requirements.txt) ...
$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-[0-9]*
	@touch $(STAMP)

# ... and on top of it the test and lint tools (requirements-dev.txt), for `make test`.
$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-dev-*
	@touch $(DEV_STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

# Browser tests drive the system Chromium (Debian's package; Playwright may not download one).
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null \
	      || echo "Could not install Chromium: browser tests will be skipped (they fail under CI=true)"; \
	  else \
	    echo "Chromium not found and not root: browser tests will be skipped (install chromium)"; \
	  fi; }

# The printed edition (WeasyPrint) needs Pango; Debian's package, installed if missing.
pango:
	@ldconfig -p 2>/dev/null | grep -q 'libpango-1.0' || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Pango for the PDF edition"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0) >/dev/null \
	      || echo "Could not install Pango: the PDF edition will not render"; \
	  else \
	    echo "Pango not found and not root: install libpango-1.0-0 for the PDF edition"; \
	  fi; }

migrate: install pango
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The production server (gunicorn.conf.py) on whatever DATABASE_URL/DEBUG/... the shell sets.
serve: migrate
	$(BIN)/python manage.py collectstatic --noinput -v0
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py config.wsgi

test: install-dev browser pango
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Not in CI (noisy): gunicorn under wrk on SQLite and PostgreSQL; wrk is installed when root.
bench: install-dev
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing wrk for the benchmark"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null \
	      || echo "Could not install wrk"; \
	  else \
	    echo "wrk not found and not root: install wrk to run the benchmark"; \
	  fi; }
	$(BIN)/python bench/run.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

schema: install-dev
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null

deploy-check: install
	DEBUG=false SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=rules.example.org \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .hypothesis
