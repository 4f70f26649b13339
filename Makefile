# Kawat — every target installs what it needs into .venv from uv.lock first.
SHELL := /bin/bash
PY ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 120

.PHONY: install demo test bench clean

.tools/bin/uv:
	$(PY) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==0.13.8

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --extra dev
	@touch $@

install: .venv/.synced

demo: .venv/.synced
	.venv/bin/kawat demo

test: .venv/.synced
	.venv/bin/pytest

bench: .venv/.synced
	.venv/bin/python -m bench.run

clean:
	rm -rf .kawat .pytest_cache
