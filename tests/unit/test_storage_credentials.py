"""Credential lookup names what is missing and never echoes a secret."""

from __future__ import annotations

import pytest

from adapters.errors import ConfigError
from adapters.storage.client import make_s3_client, resolve_credentials
from flows.settings import Credentials


def test_env_credentials(monkeypatch) -> None:
    monkeypatch.setenv("K_A", "AKIA1")
    monkeypatch.setenv("K_S", "s3cr3t")
    assert resolve_credentials(Credentials(access_key_env="K_A", secret_key_env="K_S"), what="p") == ("AKIA1", "s3cr3t")


def test_missing_env_names_the_variable_not_the_value(monkeypatch) -> None:
    monkeypatch.setenv("K_A", "AKIA1")
    monkeypatch.delenv("K_S_MISSING", raising=False)
    with pytest.raises(ConfigError) as err:
        resolve_credentials(Credentials(access_key_env="K_A", secret_key_env="K_S_MISSING"), what="partner tempo")
    assert "K_S_MISSING" in str(err.value) and "AKIA1" not in str(err.value) and "tempo" in str(err.value)


def test_no_credentials_configured() -> None:
    with pytest.raises(ConfigError):
        resolve_credentials(Credentials(), what="storage")


def test_secret_block_is_read_through_the_lookup_it_is_given() -> None:
    stored = {"tempo-s3": '{"access_key": "AKIDB", "secret_key": "s3cr3t-b"}', "odd": "s3cr3t-plain"}
    creds = Credentials(secret_block="tempo-s3")
    assert resolve_credentials(creds, what="partner tempo", secrets=stored.__getitem__) == ("AKIDB", "s3cr3t-b")
    with pytest.raises(ConfigError) as err:
        resolve_credentials(Credentials(secret_block="odd"), what="partner odd", secrets=stored.__getitem__)
    assert "'odd'" in str(err.value) and "s3cr3t" not in str(err.value)
    with pytest.raises(ConfigError, match="cannot load Prefect Secret block 'gone'.*KeyError"):
        resolve_credentials(Credentials(secret_block="gone"), what="partner gone", secrets=stored.__getitem__)
    with pytest.raises(ConfigError, match="no secret store"):
        resolve_credentials(creds, what="partner tempo")


def test_client_uses_path_style_for_custom_endpoints() -> None:
    c = make_s3_client("http://127.0.0.1:9", "us-east-1", "a", "b", timeout=3)
    assert c.meta.config.s3["addressing_style"] == "path"
    assert c.meta.config.read_timeout == 3 and c.meta.config.retries["total_max_attempts"] <= 2
