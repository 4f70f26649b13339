"""The e2e tests' Prefect processes: they live in infra.prefect_local, which the benchmarks share."""

from infra.prefect_local import (
    BIN,
    REPO,
    TERMINAL,
    Api,
    PrefectServer,
    Proc,
    describe_failure,
    free_port,
    kawat_toml,
    port_open,
    prefect_env,
)

__all__ = ["BIN", "REPO", "TERMINAL", "Api", "PrefectServer", "Proc", "describe_failure", "free_port",
           "kawat_toml", "port_open", "prefect_env"]
