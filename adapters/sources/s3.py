"""An S3 inbox prefix: claim with a conditional put of a marker, then move (copy+delete) on acknowledgement."""

from __future__ import annotations

import json
import logging
import os
import socket
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from adapters.errors import PermanentError, TransientError
from adapters.sources.attachments import is_candidate, referenced_pictures
from adapters.sources.base import WireFile

log = logging.getLogger(__name__)
_TRANSIENT_CODES = {"SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "503", "500",
                    "RequestTimeTooSkewed", "Throttling", "ThrottlingException"}


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _status(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


def _wrap(exc: Exception, what: str) -> Exception:
    if isinstance(exc, ClientError):
        code, status = _code(exc), _status(exc)
        if code in _TRANSIENT_CODES or status >= 500 or status == 429:
            return TransientError(f"{what}: S3 {code or status}")
        return PermanentError(f"{what}: S3 {code or status}")
    return TransientError(f"{what}: {exc.__class__.__name__}")


class S3InboxSource:
    """Objects directly under `prefix` are new; markers under `<prefix>.claims/<name>/<gen>` claim them."""

    def __init__(self, client: Any, bucket: str, prefix: str = "inbox/", name: str = "s3-inbox", *,
                 stale_after: float = 900.0) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        self.name = name
        self.stale_after = stale_after
        self.claims_prefix = f"{self.prefix}.claims/"
        self.processed_prefix = f"{self.prefix}processed/"
        self.quarantine_prefix = f"{self.prefix}quarantine/"
        self.owner = f"{socket.gethostname()}:{os.getpid()}"

    def _list(self, prefix: str, delimiter: str | None = None) -> list[dict]:
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix}
        if delimiter:
            kwargs["Delimiter"] = delimiter
        out: list[dict] = []
        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(**kwargs):
                out.extend(page.get("Contents", []))
        except (ClientError, BotoCoreError) as exc:
            raise _wrap(exc, f"list s3://{self.bucket}/{prefix}") from exc
        return out

    def _claims(self) -> dict[str, tuple[int, datetime]]:
        """Newest claim generation and its time per file name."""
        claims: dict[str, tuple[int, datetime]] = {}
        for obj in self._list(self.claims_prefix):
            name, _, gen = obj["Key"][len(self.claims_prefix):].rpartition("/")
            if not name or not gen.isdigit():
                continue
            if name not in claims or int(gen) > claims[name][0]:
                claims[name] = (int(gen), obj["LastModified"])
        return claims

    def _try_claim(self, name: str, gen: int) -> bool:
        body = json.dumps({"owner": self.owner, "at": datetime.now(UTC).isoformat()}).encode()
        try:
            self.client.put_object(Bucket=self.bucket, Key=f"{self.claims_prefix}{name}/{gen:06d}", Body=body,
                                   IfNoneMatch="*")
            return True
        except ClientError as exc:
            if _status(exc) in (409, 412) or _code(exc) in {"PreconditionFailed", "ConditionalRequestConflict"}:
                return False
            raise _wrap(exc, f"claim {name}") from exc
        except BotoCoreError as exc:
            raise _wrap(exc, f"claim {name}") from exc

    def _get(self, key: str) -> bytes | None:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except ClientError as exc:
            if _code(exc) in {"NoSuchKey", "404"} or _status(exc) == 404:
                return None
            raise _wrap(exc, f"get {key}") from exc
        except BotoCoreError as exc:
            raise _wrap(exc, f"get {key}") from exc

    def poll(self, limit: int | None = None) -> list[WireFile]:
        """Claim new objects exactly once across pollers; stale claims get a new generation."""
        objects = [o for o in self._list(self.prefix, "/") if "/" not in o["Key"][len(self.prefix):]]
        objects.sort(key=lambda o: (o["LastModified"], o["Key"]))
        present = {o["Key"][len(self.prefix):] for o in objects}
        claims = self._claims()
        now = datetime.now(UTC)
        out: list[WireFile] = []
        for obj in objects:
            if limit is not None and len(out) >= limit:
                break
            name = obj["Key"][len(self.prefix):]
            if not is_candidate(name):
                continue
            gen = 0
            if name in claims:
                last_gen, when = claims[name]
                # Listings often give LastModified to the second: the claim may be up to 1 s younger.
                slack = 1.0 if when.microsecond == 0 else 0.0
                if (now - when).total_seconds() - slack < self.stale_after:
                    continue
                log.warning("re-offering %s: claim %d is stale", name, last_gen)
                gen = last_gen + 1
            if not self._try_claim(name, gen):
                continue
            data = self._get(obj["Key"])
            if data is None:  # processed by another poller between our listing and our claim
                self._drop_claims(name)
                continue
            attachments = {}
            for pic in referenced_pictures(data):
                if pic in present:
                    blob = self._get(self.prefix + pic)
                    if blob is not None:
                        attachments[pic] = blob
            out.append(WireFile(source=self.name, name=name, data=data, handle=obj["Key"], attachments=attachments))
        return out

    def _drop_claims(self, name: str) -> None:
        for obj in self._list(f"{self.claims_prefix}{name}/"):
            try:
                self.client.delete_object(Bucket=self.bucket, Key=obj["Key"])
            except (ClientError, BotoCoreError) as exc:
                raise _wrap(exc, f"release claim {name}") from exc

    def _move(self, key: str, dest_prefix: str, name: str) -> str:
        target = dest_prefix + name
        try:
            self.client.copy_object(Bucket=self.bucket, Key=target, CopySource={"Bucket": self.bucket, "Key": key})
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _code(exc) in {"NoSuchKey", "404"} or _status(exc) == 404:
                log.warning("%s vanished before it could be moved to %s", key, dest_prefix)
                return target
            raise _wrap(exc, f"move {key}") from exc
        except BotoCoreError as exc:
            raise _wrap(exc, f"move {key}") from exc
        return target

    def _ack(self, item: WireFile, dest_prefix: str) -> str:
        target = self._move(item.handle, dest_prefix, item.name)
        for pic in item.attachments:
            self._move(self.prefix + pic, dest_prefix, pic)
        self._drop_claims(item.name)
        return target

    def mark_processed(self, item: WireFile) -> None:
        self._ack(item, self.processed_prefix)

    def quarantine(self, item: WireFile, reason: str) -> None:
        target = self._ack(item, self.quarantine_prefix)
        try:
            self.client.put_object(Bucket=self.bucket, Key=target + ".reason.txt",
                                   Body=(" ".join(reason.split()) + "\n").encode(), ContentType="text/plain")
        except (ClientError, BotoCoreError) as exc:
            raise _wrap(exc, f"write reason for {item.name}") from exc
