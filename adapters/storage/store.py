"""The bucket port the publisher writes through: S3 for real, an in-memory fake for unit tests."""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    ParamValidationError,
    PartialCredentialsError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)

from adapters.errors import PermanentError, TransientError
from adapters.storage.client import S3Client


class PreconditionFailed(PermanentError):
    """A conditional put lost a race: the object already exists (another run wrote it)."""


class PartnerStore(Protocol):
    """Bucket-level operations on one partner bucket; keys are full object keys."""

    bucket: str

    def put(self, key: str, data: bytes, content_type: str, metadata: dict[str, str], *,
            if_none_match: bool = False, cache_control: str | None = None, if_match: str | None = None) -> str:
        """Write and return the etag; `if_none_match` raises PreconditionFailed when the key exists,
        `if_match` (an etag) when the key no longer holds that object."""
        ...

    def head(self, key: str) -> dict[str, str] | None:
        """User metadata (incl. `sha256`) plus `etag`, `content-type` and, when the server keeps it,
        `content-sha256` (its own digest of the stored bytes); None when absent."""
        ...

    def get(self, key: str) -> bytes | None: ...

    def delete(self, key: str) -> None: ...

    def keys(self, prefix: str) -> Iterator[str]: ...


_TRANSIENT_CODES = {
    "SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "RequestTimeTooSkewed",
    "InternalError", "ServiceUnavailable", "RequestLimitExceeded", "TooManyRequests",
}
_MISSING = {"404", "NoSuchKey", "NotFound"}


def _status(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _map(exc: Exception, what: str) -> Exception:
    """botocore error -> our error: throttling/5xx/network are transient, every other 4xx permanent."""
    if isinstance(exc, ClientError):
        code, status = _code(exc), _status(exc)
        msg = f"{what}: {code or status} {exc.response.get('Error', {}).get('Message', '')}".strip()
        if code == "PreconditionFailed" or status == 412:
            return PreconditionFailed(msg)
        if code in _TRANSIENT_CODES or status >= 500 or status == 429:
            return TransientError(msg)
        return PermanentError(msg)
    if isinstance(exc, (ParamValidationError, NoCredentialsError, PartialCredentialsError)):
        return PermanentError(f"{what}: {type(exc).__name__}: {exc}")
    if isinstance(exc, (BotoConnectionError, BotoCoreError)):
        return TransientError(f"{what}: {type(exc).__name__}: {exc}")
    return TransientError(f"{what}: {type(exc).__name__}")


class S3PartnerStore:
    """A partner bucket reached through boto3; every vendor error is translated at this edge."""

    def __init__(self, client: S3Client, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    def put(self, key: str, data: bytes, content_type: str, metadata: dict[str, str], *,
            if_none_match: bool = False, cache_control: str | None = None, if_match: str | None = None) -> str:
        args: dict[str, object] = {
            "Bucket": self.bucket, "Key": key, "Body": data, "ContentType": content_type,
            "Metadata": metadata,
            "ChecksumSHA256": base64.b64encode(hashlib.sha256(data).digest()).decode(),
        }
        if if_none_match:
            args["IfNoneMatch"] = "*"
        if if_match:
            args["IfMatch"] = f'"{if_match.strip(chr(34))}"'
        if cache_control:
            args["CacheControl"] = cache_control
        try:
            res = self.client.put_object(**args)
        except (ClientError, BotoCoreError) as exc:
            raise _map(exc, f"put s3://{self.bucket}/{key}") from exc
        return str(res.get("ETag", "")).strip('"')

    def head(self, key: str) -> dict[str, str] | None:
        try:
            res = self.client.head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
        except ClientError as exc:
            if _code(exc) in _MISSING or _status(exc) == 404:
                return None
            raise _map(exc, f"head s3://{self.bucket}/{key}") from exc
        except BotoCoreError as exc:
            raise _map(exc, f"head s3://{self.bucket}/{key}") from exc
        meta = {k.lower(): v for k, v in (res.get("Metadata") or {}).items()}
        meta["etag"] = str(res.get("ETag", "")).strip('"')
        meta["content-type"] = str(res.get("ContentType", ""))
        meta["cache-control"] = str(res.get("CacheControl", "") or "")
        stored = res.get("ChecksumSHA256")
        if stored and "-" not in str(stored):  # server-side digest of the bytes, not a multipart composite
            meta["content-sha256"] = base64.b64decode(str(stored)).hex()
        return meta

    def get(self, key: str) -> bytes | None:
        try:
            res = self.client.get_object(Bucket=self.bucket, Key=key)
            return bytes(res["Body"].read())
        except ClientError as exc:
            if _code(exc) in _MISSING or _status(exc) == 404:
                return None
            raise _map(exc, f"get s3://{self.bucket}/{key}") from exc
        except BotoCoreError as exc:
            raise _map(exc, f"get s3://{self.bucket}/{key}") from exc

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except (ClientError, BotoCoreError) as exc:
            raise _map(exc, f"delete s3://{self.bucket}/{key}") from exc

    def keys(self, prefix: str) -> Iterator[str]:
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
            for page in pages:
                for obj in page.get("Contents", []) or []:
                    yield str(obj["Key"])
        except (ClientError, BotoCoreError) as exc:
            raise _map(exc, f"list s3://{self.bucket}/{prefix}") from exc


@dataclass
class StoredObject:
    data: bytes
    content_type: str
    metadata: dict[str, str]
    cache_control: str | None = None


@dataclass
class MemoryPartnerStore:
    """In-memory bucket with S3's semantics that matter here (conditional put, metadata); counts writes."""

    bucket: str = "memory"
    objects: dict[str, StoredObject] = field(default_factory=dict)
    puts: list[str] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)
    fail_next: list[Exception] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _maybe_fail(self) -> None:
        if self.fail_next:
            raise self.fail_next.pop(0)

    def put(self, key: str, data: bytes, content_type: str, metadata: dict[str, str], *,
            if_none_match: bool = False, cache_control: str | None = None, if_match: str | None = None) -> str:
        with self._lock:
            self._maybe_fail()
            if if_none_match and key in self.objects:
                raise PreconditionFailed(f"put memory://{self.bucket}/{key}: exists")
            if if_match is not None and (key not in self.objects or hashlib.md5(
                    self.objects[key].data).hexdigest() != if_match.strip('"')):
                raise PreconditionFailed(f"put memory://{self.bucket}/{key}: changed since it was read")
            self.objects[key] = StoredObject(bytes(data), content_type, {k.lower(): v for k, v in metadata.items()},
                                             cache_control)
            self.puts.append(key)
            return hashlib.md5(data).hexdigest()

    def head(self, key: str) -> dict[str, str] | None:
        with self._lock:
            self._maybe_fail()
            obj = self.objects.get(key)
            if obj is None:
                return None
            return {**obj.metadata, "etag": hashlib.md5(obj.data).hexdigest(),
                    "content-type": obj.content_type, "content-sha256": hashlib.sha256(obj.data).hexdigest(),
                    "cache-control": obj.cache_control or ""}

    def get(self, key: str) -> bytes | None:
        with self._lock:
            self._maybe_fail()
            obj = self.objects.get(key)
            return obj.data if obj else None

    def delete(self, key: str) -> None:
        with self._lock:
            self._maybe_fail()
            self.objects.pop(key, None)
            self.deletes.append(key)

    def keys(self, prefix: str) -> Iterator[str]:
        with self._lock:
            self._maybe_fail()
            keys = sorted(k for k in self.objects if k.startswith(prefix))
        return iter(keys)
