"""One S3 client factory and credential lookup, so every endpoint (AWS, SeaweedFS, MinIO, R2) is built alike."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from botocore.handlers import add_expect_header
from botocore.utils import determine_content_length

from adapters.config import Credentials
from adapters.errors import ConfigError

S3Client = Any  # boto3's client type is generated at runtime; keep the alias for signatures.


def make_s3_client(
    endpoint_url: str | None, region: str, access_key: str, secret_key: str, *, timeout: float = 30
) -> S3Client:
    """SigV4, path-style for custom endpoints, bounded timeouts, one botocore retry (tenacity does the rest)."""
    s3_opts: dict[str, str] = {"addressing_style": "path"} if endpoint_url else {}
    config = Config(
        signature_version="s3v4",
        s3=s3_opts,
        connect_timeout=min(timeout, 10),
        read_timeout=timeout,
        retries={"max_attempts": 1, "mode": "standard"},
        max_pool_connections=64,  # one client is shared by every task thread of the process
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        # Our own calls, built in one module with typed arguments: the schema walk per request was ~5% of a put's CPU.
        parameter_validation=False,
    )
    client = boto3.client(
        "s3",
        endpoint_url=endpoint_url or None,
        region_name=region or "us-east-1",
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=config,
    )
    # botocore asks for `100 Continue` before every body and reads that answer one byte per recv():
    # an extra round trip and ~26 GIL hand-overs per put of a few-KB article. Only large bodies ask.
    client.meta.events.unregister("before-call.s3", add_expect_header)
    client.meta.events.register("before-call.s3", _expect_for_large_bodies)
    return client


EXPECT_CONTINUE_FROM = 1024 * 1024  # bytes: below this a refused put costs less than the wait


def _expect_for_large_bodies(model: Any, params: dict[str, Any], **_: Any) -> None:
    """`Expect: 100-continue` only where it can save sending a large body the server would refuse."""
    if model.http.get("method", "") not in ("PUT", "POST"):
        return
    body = params.get("body")
    if body is None:
        return
    size = determine_content_length(body)
    if size is None or size >= EXPECT_CONTINUE_FROM:
        params["headers"]["Expect"] = "100-continue"


SecretLookup = Callable[[str], object]
"""A named secret's stored value (JSON text or a mapping); the composition root supplies it (Prefect blocks)."""


def resolve_credentials(creds: Credentials, *, what: str, secrets: SecretLookup | None = None) -> tuple[str, str]:
    """Access key pair from env var names or a secret block (JSON); errors name the source, never a value."""
    if creds.access_key_env or creds.secret_key_env:
        if not (creds.access_key_env and creds.secret_key_env):
            raise ConfigError(f"{what}: set both access_key_env and secret_key_env (or secret_block)")
        access = os.environ.get(creds.access_key_env)
        secret = os.environ.get(creds.secret_key_env)
        missing = [n for n, v in ((creds.access_key_env, access), (creds.secret_key_env, secret)) if not v]
        if missing:
            raise ConfigError(f"{what}: environment variable(s) {', '.join(missing)} not set")
        return str(access), str(secret)
    if creds.secret_block:
        if secrets is None:
            raise ConfigError(f"{what}: secret_block {creds.secret_block!r} is set but no secret store was given")
        return _from_block(secrets, creds.secret_block, what=what)
    raise ConfigError(f"{what}: no credentials configured (access_key_env/secret_key_env or secret_block)")


def _from_block(secrets: SecretLookup, name: str, *, what: str) -> tuple[str, str]:
    try:
        raw = secrets(name)
    except Exception as exc:  # Prefect raises ValueError for unknown blocks, httpx errors when the API is down.
        raise ConfigError(f"{what}: cannot load Prefect Secret block {name!r} ({type(exc).__name__})") from exc
    try:
        data: Any = json.loads(raw) if isinstance(raw, str) else raw
        return str(data["access_key"]), str(data["secret_key"])
    except (ValueError, TypeError, KeyError) as exc:
        raise ConfigError(
            f"{what}: Prefect Secret block {name!r} must hold JSON {{\"access_key\": …, \"secret_key\": …}}"
        ) from exc
