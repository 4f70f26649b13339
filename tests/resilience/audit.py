"""Read partner buckets and the ledger back after a faulty run: what arrived, twice, half, or not at all."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from jsonschema import Draft202012Validator

from adapters.ledger import DeliveryLedger, DeliveryState
from flows.settings import Settings
from newsroom import contract
from newsroom.model import safe_id


@dataclass
class Audit:
    """Facts per partner × story (and × language × version) gathered straight from S3 and the ledger."""

    expected: set[tuple[str, str, str]]  # (partner, story, language) that must have arrived
    latest: Counter = field(default_factory=Counter)  # (partner, story, lang) -> latest.json objects
    feed: Counter = field(default_factory=Counter)  # (partner, story, lang, version) -> feed lines
    versions: dict = field(default_factory=dict)  # (partner, story, lang) -> revisions with a v{n}.{e}.json
    ledger_delivered: Counter = field(default_factory=Counter)  # (partner, story, lang, version) -> rows
    partial: list[str] = field(default_factory=list)  # objects whose bytes do not match their sha256
    dangling: list[str] = field(default_factory=list)  # latest.json pointing at a missing/different version
    objects: int = 0
    feed_objects: dict = field(default_factory=dict)  # (partner, story, lang, version) -> feed keys

    def duplicated(self) -> dict:
        """Each story version announced more than once, with the feed objects that announce it."""
        return {k: self.feed_objects[k] for k, n in self.feed.items() if n > 1}

    @property
    def delivered(self) -> set[tuple[str, str, str]]:
        """Arrived = a latest pointer, its version object, a ledger row and a feed line all exist."""
        ok = set()
        for key in self.expected:
            vers = self.versions.get(key, set())
            if self.latest[key] and vers and all(self.feed[(*key, v)] >= 1 and self.ledger_delivered[(*key, v)]
                                                for v in vers):
                ok.add(key)
        return ok

    @property
    def unstored(self) -> list[tuple[str, str, str]]:
        """Expected deliveries missing a latest pointer, a version object or a ledger row (feed aside)."""
        return sorted(k for k in self.expected if not (self.latest[k] and self.versions.get(k) and all(
            self.ledger_delivered[(*k, v)] for v in self.versions[k])))

    @property
    def lost(self) -> list[tuple[str, str, str]]:
        return sorted(self.expected - self.delivered)

    @property
    def duplicate_feed_lines(self) -> int:
        return sum(n - 1 for n in self.feed.values() if n > 1)

    @property
    def duplicate_latest(self) -> int:
        return sum(n - 1 for n in self.latest.values() if n > 1)

    @property
    def missing_feed_lines(self) -> list[tuple]:
        return sorted((*k, v) for k, vs in self.versions.items() for v in vs if not self.feed[(*k, v)])


FEED_SCHEMA = Draft202012Validator(json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "schemas" / "feed-line.schema.json").read_text()))


def _objects(client, bucket: str) -> list[str]:  # type: ignore[no-untyped-def]
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return [o["Key"] for page in pages for o in page.get("Contents", []) or []]


def audit(settings: Settings, ledger: DeliveryLedger, admin, expected_stories: list[str]) -> Audit:  # type: ignore[no-untyped-def]
    """Walk every partner bucket with a fault-free admin client and compare it with the ledger."""
    by_safe = {safe_id(s): s for s in expected_stories}
    result = Audit(expected={(p.id, s, lang) for p in settings.partners for s in expected_stories for lang in p.languages})
    for p in settings.partners:
        for key in _objects(admin, p.bucket):
            result.objects += 1
            obj = admin.get_object(Bucket=p.bucket, Key=key)
            data = obj["Body"].read()
            meta = {k.lower(): v for k, v in (obj.get("Metadata") or {}).items()}
            if meta.get("sha256") and hashlib.sha256(data).hexdigest() != meta["sha256"]:
                result.partial.append(f"{p.bucket}/{key}")
            if "/feed/" in f"/{key}":
                for line in data.decode().splitlines():
                    row = json.loads(line)
                    FEED_SCHEMA.validate(row)  # every line a partner reads keeps the published shape
                    fk = (p.id, row["story"], row["lang"], int(row["version"]))
                    result.feed[fk] += 1
                    result.feed_objects.setdefault(fk, []).append(f"{key} at={row.get('at')}")
                continue
            parts = key.split("/")
            name, sid = parts[-1], by_safe.get(parts[-2], parts[-2])
            lang = parts[len([x for x in p.prefix.split("/") if x])]
            if name == contract.LATEST:
                result.latest[(p.id, sid, lang)] += 1
                doc = json.loads(data)
                target = key.rsplit("/", 1)[0] + f"/v{doc['version']}.json"  # latest names its edition (3.2)
                try:
                    body = admin.get_object(Bucket=p.bucket, Key=target)["Body"].read()
                except admin.exceptions.NoSuchKey:
                    body = None
                if body != data:
                    result.dangling.append(f"{p.bucket}/{key}")
            elif name.endswith(".json") and contract.version_of_key(key):
                result.versions.setdefault((p.id, sid, lang), set()).add(contract.version_of_key(key))
        for row in ledger.rows(partner=p.id):
            if row.state == DeliveryState.delivered:
                result.ledger_delivered[(p.id, row.story_id, row.language, row.version)] += 1
    return result
