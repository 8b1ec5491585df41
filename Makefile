# shopify-odoo-sync: every command a user needs. `make demo` and `make test` do all the set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The embedded Dagster instance (SQLite) lives in ./dagster_home unless DAGSTER_HOME is set.
export DAGSTER_HOME ?= $(CURDIR)/dagster_home

.PHONY: install test demo sync ui bench emulators clean-demo webhooks

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

# Both emulators with generated data, the full import through Dagster (no UI), a count line per
# resource, then the emulators stop. Running it again creates and updates nothing.
demo: $(STAMP)
	$(BIN)/python -m scripts.demo run

# The same full import against whatever the SHOPIFY_* / ODOO_* env vars point at.
sync: $(STAMP)
	$(BIN)/python -m shopify_assets.cli sync

# The Dagster UI on the demo's instance and data, with both emulators running beside it.
ui: $(STAMP)
	$(BIN)/python -m scripts.demo ui

# The webhook receiver on :8790 (run it beside `dagster dev` / `make ui`); it needs SHOPIFY_WEBHOOK_SECRET
# (or SHOPIFY_CLIENT_SECRET) and queues events in $(DAGSTER_HOME)/webhook_events.sqlite or WEBHOOK_QUEUE_DSN.
webhooks: $(STAMP)
	$(BIN)/python -m shopify_assets.webhooks --port $(or $(WEBHOOKS_PORT),8790)

bench: $(STAMP)
	$(BIN)/python -m bench

clean-demo:
	rm -rf .demo
