"""Partner credentials from a Prefect Secret block, against a real Prefect API (the test harness)."""

from __future__ import annotations

import json
import uuid

import pytest

from adapters.errors import ConfigError
from adapters.storage.client import resolve_credentials
from flows.bootstrap import prefect_secret
from flows.settings import Credentials

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_secret_block_holds_the_key_pair_and_errors_never_show_it() -> None:
    from prefect.blocks.system import Secret

    name = f"kawat-s3-{uuid.uuid4().hex[:8]}"
    Secret(value=json.dumps({"access_key": "AKIDBLOCK", "secret_key": "s3cr3t-from-block"})).save(name)
    assert resolve_credentials(Credentials(secret_block=name), what="partner x", secrets=prefect_secret) == ("AKIDBLOCK", "s3cr3t-from-block")

    bad = f"kawat-bad-{uuid.uuid4().hex[:8]}"
    Secret(value="s3cr3t-not-json").save(bad)
    with pytest.raises(ConfigError) as err:
        resolve_credentials(Credentials(secret_block=bad), what="partner y", secrets=prefect_secret)
    assert bad in str(err.value) and "s3cr3t" not in str(err.value)
    with pytest.raises(ConfigError, match="cannot load Prefect Secret block 'no-such-block'"):
        resolve_credentials(Credentials(secret_block="no-such-block"), what="partner z", secrets=prefect_secret)
