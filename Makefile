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

# --compile-bytecode: where PYTHONDONTWRITEBYTECODE is set (this sandbox, many CI images) every
# process would recompile Prefect & co from source: ~4 s more per `kawat` command and server start.
.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --extra dev --compile-bytecode
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
