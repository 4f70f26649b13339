"""[storage] retry settings: read from kawat.toml, checked, and handed to the publisher."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.errors import ConfigError
from flows.settings import load_settings


def _toml(tmp_path: Path, storage: str) -> Path:
    path = tmp_path / "kawat.toml"
    path.write_text(f'[kawat]\ndata_dir = "{tmp_path / "state"}"\n\n[storage]\n{storage}\n')
    return path


def test_retry_settings_come_from_the_file_and_default_to_production_pauses(tmp_path: Path) -> None:
    s = load_settings(_toml(tmp_path, "retry_attempts = 6\nretry_wait = 0.25\nretry_wait_max = 3"))
    assert (s.storage.retry_attempts, s.storage.retry_wait, s.storage.retry_wait_max) == (6, 0.25, 3.0)
    d = load_settings(_toml(tmp_path, 'region = "eu-west-1"')).storage
    assert (d.retry_attempts, d.retry_wait, d.retry_wait_max) == (4, 0.5, 20.0)


@pytest.mark.parametrize("bad", ["retry_attempts = 0", "retry_wait = -1", "retry_tries = 3"])
def test_bad_retry_settings_are_a_config_error_naming_the_file(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ConfigError, match="kawat.toml"):
        load_settings(_toml(tmp_path, bad))


def test_bootstrap_hands_the_retry_settings_to_the_publisher(tmp_path: Path) -> None:
    from flows.bootstrap import bootstrap

    c = bootstrap(load_settings(_toml(tmp_path, "retry_attempts = 2\nretry_wait = 0.1\nretry_wait_max = 0.4")))
    r = c.publisher.retry
    assert (r.attempts, r.wait_initial, r.wait_max) == (2, 0.1, 0.4)
