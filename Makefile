# The only way in: `make run` for a working Pulang on SQLite, `make test` for the test suite.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS ?= never
export UV_PROJECT_ENVIRONMENT ?= .venv

# Use uv from PATH if it runs here; otherwise install it once into var/tools (PyPI only).
UV := $(shell uv --version >/dev/null 2>&1 && echo uv || echo var/tools/bin/uv)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup test test-postgres test-browser lint typecheck migrations-check deploy-check \
	messages ci bench clean

var/tools/bin/uv:
	python3 -m venv var/tools
	var/tools/bin/python -m pip install --quiet --disable-pip-version-check uv

.venv/.synced: pyproject.toml uv.lock | $(if $(filter uv,$(UV)),,var/tools/bin/uv)
	$(UV) sync --locked --quiet
	@touch $@

setup: .venv/.synced
	$(UV) run --no-sync pulang setup --demo

run: setup  ## install, migrate, load regions and demo data, serve on http://127.0.0.1:8000
	@echo "Pulang: http://$(HOST):$(PORT)/  (log in with a demo login above; Ctrl-C stops)"
	$(UV) run --no-sync pulang runserver $(HOST):$(PORT)

test: .venv/.synced  ## the test suite on SQLite (browser tests too when Chromium is installed)
	$(UV) run --no-sync pytest $(PYTEST_ARGS)

test-postgres: .venv/.synced
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/pulang} \
		$(UV) run --no-sync pytest $(PYTEST_ARGS)

test-browser: .venv/.synced
	PULANG_REQUIRE_BROWSER=1 $(UV) run --no-sync pytest -m browser $(PYTEST_ARGS)

lint: .venv/.synced
	$(UV) run --no-sync ruff check .
	$(UV) run --no-sync ruff format --check .

typecheck: .venv/.synced
	$(UV) run --no-sync mypy pulang config bench

migrations-check: .venv/.synced
	$(UV) run --no-sync pulang makemigrations --check --dry-run

deploy-check: .venv/.synced
	PULANG_SECRET_KEY=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))') \
	PULANG_ALLOWED_HOSTS=pulang.example.org DJANGO_SETTINGS_MODULE=config.settings.production \
		$(UV) run --no-sync pulang check --deploy --fail-level WARNING

messages: .venv/.synced  ## refresh and compile translations (needs GNU gettext)
	# English only: locale/id holds just the few Django strings its own catalogue lacks.
	cd pulang && ../$(UV_PROJECT_ENVIRONMENT)/bin/pulang makemessages -l en --no-obsolete
	cd pulang && ../$(UV_PROJECT_ENVIRONMENT)/bin/pulang compilemessages

ci:
	bash .ci/run

clean:
	rm -rf var/static .pytest_cache .mypy_cache .ruff_cache
