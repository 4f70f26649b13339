"""The in-process Prefect defaults: lean ephemeral API unless configured, no heartbeat for in-process flows."""

from __future__ import annotations

import pytest

from flows.runtime import EPHEMERAL_SERVER_DEFAULTS, in_process_run, prepare_ephemeral_server

BATCH = "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE"


def test_defaults_fill_gaps_but_explicit_settings_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    for key in EPHEMERAL_SERVER_DEFAULTS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED", "true")
    prepare_ephemeral_server()
    import os

    assert os.environ[BATCH] == EPHEMERAL_SERVER_DEFAULTS[BATCH]
    assert os.environ["PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED"] == "true"


def test_a_real_server_is_left_as_its_operator_configured_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://prefect:4200/api")
    monkeypatch.delenv(BATCH, raising=False)
    prepare_ephemeral_server()
    import os

    assert BATCH not in os.environ


def test_in_process_run_turns_the_heartbeat_off_and_back() -> None:
    from prefect.settings import get_current_settings

    before = get_current_settings().flows.heartbeat_frequency
    assert before is not None  # Prefect's default is on
    with in_process_run():
        assert get_current_settings().flows.heartbeat_frequency is None
    assert get_current_settings().flows.heartbeat_frequency == before


def test_in_process_run_keeps_every_other_setting_of_the_current_context() -> None:
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: "http://prefect.example:4200/api"}):
        outer = get_current_settings()
        with in_process_run():
            inner = get_current_settings()
            assert inner.api.url == "http://prefect.example:4200/api"
            got = inner.model_dump()
        want = outer.model_dump()
        want["flows"]["heartbeat_frequency"] = None
        assert got == want
        # What a child process is handed (Prefect exports set settings as env vars) differs only there.
        env_in = inner.to_environment_variables(exclude_unset=True)
        env_out = outer.to_environment_variables(exclude_unset=True)
        assert {k: v for k, v in env_in.items() if "HEARTBEAT" not in k} == {
            k: v for k, v in env_out.items() if "HEARTBEAT" not in k}


def test_the_startup_heap_is_frozen_once_and_later_objects_stay_collectable(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc
    import threading

    from flows import runtime

    monkeypatch.setattr(runtime, "_frozen", threading.Event())
    gc.unfreeze()
    try:
        runtime.freeze_startup_heap()
        frozen = gc.get_freeze_count()
        assert frozen > 1000  # pytest, Prefect and Kawat are loaded: the collector walks none of it now

        class Node:
            def __init__(self) -> None:
                self.me = self  # a cycle only the collector frees

        made = [Node() for _ in range(500)]
        runtime.freeze_startup_heap()  # a second batch in the same process freezes nothing new
        assert gc.get_freeze_count() == frozen
        del made
        gc.collect()
        assert not any(type(o) is Node for o in gc.get_objects())  # the batch's own cycles are still freed
    finally:
        gc.unfreeze()
