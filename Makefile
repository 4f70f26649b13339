# Kawat — every target installs what it needs into .venv from uv.lock first.
SHELL := /bin/bash
PY ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 120

.PHONY: install demo test lint fmt bench clean

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

# The gate CI runs before the tests: ruff's lint rules over everything, mypy over the production packages and bench/.
lint: .venv/.synced
	.venv/bin/ruff check .
	.venv/bin/mypy

# Safe autofixes (import order, pyupgrade) everywhere; `make fmt FILES="a.py b.py"` also runs `ruff format`
# on those files only: formatting is opt-in per file, never the whole tree at once (see CONTRIBUTING.md).
fmt: .venv/.synced
	.venv/bin/ruff check --fix .
	$(if $(FILES),.venv/bin/ruff format $(FILES))

bench: .venv/.synced
	.venv/bin/python -m bench.run

clean:
	rm -rf .kawat .pytest_cache
