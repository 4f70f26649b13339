"""An S3 inbox prefix: claim with a conditional put of a marker, then move (copy+delete) on acknowledgement."""

from __future__ import annotations

import hashlib
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
from adapters.sources.safeopen import RefusedFile, check_component

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
_KEY_MAX = 1024  # S3's limit on a key's UTF-8 bytes
_SEGMENT_MAX = 255  # filer-backed stores (SeaweedFS, MinIO on disk) cap each `/` segment like a file name

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


def _name_key(name: str) -> str:
    """A fixed-length stand-in for an object name in claim keys: any name fits under S3's key limit."""
    return hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:32]


class S3InboxSource:
    """Objects directly under `prefix` are new; markers `<prefix>.claims/<digest of name>/<gen>` claim them.

    The same rules as the folder source: only objects directly under the prefix are read, never more
    than `max_bytes` of one (the listed size is checked before any read, the read itself is bounded),
    and a picture is looked up only by a plain file name (no `/`, no `..`).
    """

    def __init__(self, client: Any, bucket: str, prefix: str = "inbox/", name: str = "s3-inbox", *,
                 stale_after: float = 900.0, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        self.name = name
        self.stale_after = stale_after
        self.max_bytes = max_bytes
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
        """Newest claim generation and its time per file-name digest."""
        claims: dict[str, tuple[int, datetime]] = {}
        for obj in self._list(self.claims_prefix):
            name, _, gen = obj["Key"][len(self.claims_prefix):].rpartition("/")
            if not name or not gen.isdigit():
                continue
            if name not in claims or int(gen) > claims[name][0]:
                claims[name] = (int(gen), obj["LastModified"])
        return claims

    def _try_claim(self, name: str, gen: int) -> bool:
        body = json.dumps({"owner": self.owner, "at": datetime.now(UTC).isoformat(), "name": name}).encode()
        try:
            self.client.put_object(Bucket=self.bucket, Key=f"{self.claims_prefix}{_name_key(name)}/{gen:06d}", Body=body,
                                   IfNoneMatch="*")
            return True
        except ClientError as exc:
            if _status(exc) in (409, 412) or _code(exc) in {"PreconditionFailed", "ConditionalRequestConflict"}:
                return False
            raise _wrap(exc, f"claim {name}") from exc
        except BotoCoreError as exc:
            raise _wrap(exc, f"claim {name}") from exc

    def _get(self, key: str, shown: str) -> bytes | None:
        """The object's bytes, at most `max_bytes` of them (a longer body is refused, not read on)."""
        got = self._get_tagged(key, shown)
        return None if got is None else got[0]

    def _get_tagged(self, key: str, shown: str) -> tuple[bytes, str | None] | None:
        """The object's bytes and ETag (None if it is gone)."""
        try:
            resp = self.client.get_object(Bucket=self.bucket, Key=key)
            body = resp["Body"]
            try:
                data = body.read(self.max_bytes + 1)
            finally:
                body.close()
        except ClientError as exc:
            if _code(exc) in {"NoSuchKey", "404"} or _status(exc) == 404:
                return None
            raise _wrap(exc, f"get {key}") from exc
        except BotoCoreError as exc:
            raise _wrap(exc, f"get {key}") from exc
        if len(data) > self.max_bytes:
            raise RefusedFile(shown, f"is over the {self.max_bytes}-byte limit")
        return data, resp.get("ETag")

    def _oversize(self, size: object) -> str | None:
        if isinstance(size, int) and size > self.max_bytes:
            return f"is {size} bytes, over the {self.max_bytes}-byte limit"
        return None

    def poll(self, limit: int | None = None) -> list[WireFile]:
        """Claim new objects exactly once across pollers; stale claims get a new generation."""
        objects = []
        for o in self._list(self.prefix, "/"):
            if not o["Key"].startswith(self.prefix):  # a listing must not hand us keys outside our prefix
                log.warning("ignored %s: outside the inbox prefix %s", o["Key"][:200], self.prefix)
                continue
            if "/" not in o["Key"][len(self.prefix):]:
                objects.append(o)
        objects.sort(key=lambda o: (o["LastModified"], o["Key"]))
        present = {o["Key"][len(self.prefix):]: o.get("Size") for o in objects}
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
            digest = _name_key(name)
            if digest in claims:
                last_gen, when = claims[digest]
                # Listings often give LastModified to the second: the claim may be up to 1 s younger.
                slack = 1.0 if when.microsecond == 0 else 0.0
                if (now - when).total_seconds() - slack < self.stale_after:
                    continue
                log.warning("re-offering %s: claim %d is stale", name, last_gen)
                gen = last_gen + 1
            if not self._try_claim(name, gen):
                continue
            too_big = self._oversize(obj.get("Size"))
            if too_big:
                out.append(WireFile(source=self.name, name=name, data=b"", handle=obj["Key"], refused=too_big))
                continue
            try:
                got = self._get_tagged(obj["Key"], name)
            except RefusedFile as exc:
                out.append(WireFile(source=self.name, name=name, data=b"", handle=obj["Key"], refused=exc.reason))
                continue
            if got is None:  # processed by another poller between our listing and our claim
                self._drop_claims(name)
                continue
            data, etag = got
            attachments: dict[str, bytes] = {}
            refused: dict[str, str] = {}
            for pic in referenced_pictures(data):
                try:
                    check_component(pic, pic)
                    if pic not in present:
                        log.warning("%s references %s, which is not in s3://%s/%s", name, pic, self.bucket,
                                    self.prefix)
                        continue
                    too_big = self._oversize(present[pic])
                    if too_big:
                        raise RefusedFile(pic, too_big)
                    blob = self._get(self.prefix + pic, pic)
                except RefusedFile as exc:
                    refused[pic] = exc.reason
                    continue
                if blob is not None:
                    attachments[pic] = blob
            out.append(WireFile(source=self.name, name=name, data=data, handle=obj["Key"], attachments=attachments,
                                refused_attachments=refused, etag=etag))
        return out

    def _drop_claims(self, name: str) -> None:
        for obj in self._list(f"{self.claims_prefix}{_name_key(name)}/"):
            try:
                self.client.delete_object(Bucket=self.bucket, Key=obj["Key"])
            except (ClientError, BotoCoreError) as exc:
                raise _wrap(exc, f"release claim {name}") from exc

    def _target(self, dest_prefix: str, name: str) -> tuple[str, bool]:
        """Where an acknowledged object goes: its own name when the key fits, else a digest of it."""
        target = dest_prefix + name
        fits = len((target + ".reason.txt").encode("utf-8", "surrogateescape")) <= _KEY_MAX
        if fits and len((name + ".origin.json").encode("utf-8", "surrogateescape")) <= _SEGMENT_MAX:
            return target, False
        return dest_prefix + _name_key(name) + os.path.splitext(name)[1][:10], True

    def _free(self, target: str) -> str:
        """`target`, or `target.<n>`: an acknowledged copy never overwrites an earlier one of the same name."""
        candidate, n = target, 1
        while self._etag(candidate) is not None:
            stem, dot, ext = target.rpartition(".")
            candidate = f"{stem}.{n}.{ext}" if dot and "/" not in ext else f"{target}.{n}"
            n += 1
        return candidate

    def _move(self, key: str, dest_prefix: str, name: str, reason: str | None = None) -> str:
        target, renamed = self._target(dest_prefix, name)
        target = self._free(target)
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
        if renamed:
            self._put_text(target + ".origin.json", json.dumps({"name": name}), what=f"origin of {name}")
        if reason is not None:
            line = reason + (f" (original name: {name!r})" if renamed else "")
            self._put_text(target + ".reason.txt", line + "\n", what=f"reason for {name}")
        return target

    def _put_text(self, key: str, text: str, *, what: str) -> None:
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=text.encode(), ContentType="text/plain")
        except (ClientError, BotoCoreError) as exc:
            raise _wrap(exc, f"write {what}") from exc

    def _ack(self, item: WireFile, dest_prefix: str, reason: str | None) -> str:
        if item.etag is not None and self._etag(item.handle) not in (item.etag, None):
            target = self._keep_newer(item, dest_prefix, reason)
        else:
            target = self._move(item.handle, dest_prefix, item.name, reason)
        for pic in item.attachments:
            why = item.refused_attachments.get(pic)
            if why is None:
                self._move(self.prefix + pic, dest_prefix, pic)
        for pic, why in item.refused_attachments.items():
            if item.refused is None and self._exists(self.prefix + pic):
                self._move(self.prefix + pic, self.quarantine_prefix, pic, f"picture of {item.name} refused: {why}")
        self._drop_claims(item.name)
        return target

    def _keep_newer(self, item: WireFile, dest_prefix: str, reason: str | None) -> str:
        """A newer copy arrived under the same key while ours was processed: file our bytes, leave it for the next poll."""
        target, renamed = self._target(dest_prefix, item.name)
        target = self._free(target)
        try:
            self.client.put_object(Bucket=self.bucket, Key=target, Body=item.data)
        except (ClientError, BotoCoreError) as exc:
            raise _wrap(exc, f"file {item.name}") from exc
        log.warning("%s changed while it was processed: the copy read is filed in %s, the newer one is next",
                    item.name, dest_prefix)
        if renamed:
            self._put_text(target + ".origin.json", json.dumps({"name": item.name}), what=f"origin of {item.name}")
        if reason is not None:
            self._put_text(target + ".reason.txt", reason + "\n", what=f"reason for {item.name}")
        return target

    def _etag(self, key: str) -> str | None:
        try:
            return str(self.client.head_object(Bucket=self.bucket, Key=key).get("ETag"))
        except ClientError as exc:
            if _code(exc) in {"NoSuchKey", "404", "NotFound"} or _status(exc) == 404:
                return None
            raise _wrap(exc, f"head {key}") from exc
        except BotoCoreError as exc:
            raise _wrap(exc, f"head {key}") from exc

    def _exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
            return True
        except ClientError as exc:
            if _code(exc) in {"NoSuchKey", "404", "NotFound"} or _status(exc) == 404:
                return False
            raise _wrap(exc, f"head {key}") from exc
        except BotoCoreError as exc:
            raise _wrap(exc, f"head {key}") from exc

    def mark_processed(self, item: WireFile) -> None:
        self._ack(item, self.processed_prefix, None)

    def quarantine(self, item: WireFile, reason: str) -> None:
        self._ack(item, self.quarantine_prefix, " ".join(reason.split()) or "rejected")
