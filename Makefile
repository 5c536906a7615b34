# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format install static messages demo bench clean check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

congdoan/static/vendor/.built: node_modules/.package-lock.json scripts/build-static.mjs
	npm run --silent build
	touch $@

static: congdoan/static/vendor/.built

messages: $(STAMP)
	$(BIN)/congdoan compile-translations

run: install static messages
	$(BIN)/congdoan migrate --noinput
	$(BIN)/congdoan demo --if-empty
	@$(BIN)/congdoan demo --logins --url http://$(HOST):$(PORT)/
	$(BIN)/congdoan runserver $(HOST):$(PORT)

test: install static messages
	bash scripts/ensure-chromium.sh || true
	FAST_PASSWORD_HASHER=1 $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install static
	$(BIN)/congdoan makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=example.org $(BIN)/congdoan check --deploy --fail-level WARNING
	# production static files: the manifest storage fails on any missing referenced file
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) STATIC_ROOT=$$(mktemp -d) $(BIN)/congdoan collectstatic --noinput -v0

bench: install
	$(BIN)/python bench/tree.py

clean:
	rm -rf $(VENV) node_modules congdoan/static/vendor staticfiles
