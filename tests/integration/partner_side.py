"""A partner's view of its bucket: a plain boto3 client, the partner's read-only keys, the published contract.

Nothing of Kawat is imported here on purpose: these checks are what a partner outlet can verify with
`docs/partner-contract.md`, the feed-line JSON Schema in `docs/schemas/` and the IPTC ninjs schema.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import struct
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from jsonschema import Draft202012Validator

REPO = Path(__file__).resolve().parents[2]
FEED_SCHEMA = json.loads((REPO / "docs" / "schemas" / "feed-line.schema.json").read_text())

EDITION = re.compile(r"^(?P<dir>.+)/v(?P<rev>\d+)\.(?P<ed>[1-9]\d*)\.(?P<ext>json|html|txt)$")
LATEST = re.compile(r"^(?P<dir>.+)/latest\.json$")
PICTURE = re.compile(r"^(?P<dir>.+)/pictures/[A-Za-z0-9][A-Za-z0-9._-]*$")
FEED = re.compile(r"^(?:.+/)?feed/(?P<seq>\d{12})\.ndjson$")
STORY_DIR = re.compile(r"^(?:.+/)?(?P<lang>[a-z]{2,3})/\d{4}/\d{2}/\d{2}/(?P<story>[^/]+)$")
TEXT_TYPES = ("application/json", "text/html", "text/plain", "application/x-ndjson")


def partner_client(endpoint: str, access_key: str, secret_key: str) -> Any:
    """What a partner builds from the credentials Kawat's operator handed over."""
    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                        region_name="us-east-1",
                        config=Config(signature_version="s3v4", s3={"addressing_style": "path"},
                                      retries={"max_attempts": 3}))


@dataclass
class Obj:
    key: str
    body: bytes
    content_type: str
    cache_control: str
    metadata: dict[str, str]


@dataclass
class Snapshot:
    """Every object under the partner's prefix, with its bytes and headers, at one moment."""

    objects: dict[str, Obj] = field(default_factory=dict)

    def feed(self) -> list[tuple[str, dict[str, Any]]]:
        """(key, line) for every feed line, in key order."""
        out = []
        for key in sorted(k for k in self.objects if FEED.match(k)):
            for raw in self.objects[key].body.decode("utf-8").splitlines():
                out.append((key, json.loads(raw)))
        return out


def snapshot(s3: Any, bucket: str, prefix: str) -> Snapshot:
    snap = Snapshot()
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix.strip("/") + "/")
    for page in pages:
        for item in page.get("Contents", []) or []:
            got = s3.get_object(Bucket=bucket, Key=item["Key"])
            snap.objects[item["Key"]] = Obj(item["Key"], got["Body"].read(), got.get("ContentType", ""),
                                            got.get("CacheControl", "") or "",
                                            {k.lower(): v for k, v in (got.get("Metadata") or {}).items()})
    return snap


def _max_age(cache_control: str) -> int | None:
    m = re.search(r"max-age=(\d+)", cache_control)
    return int(m.group(1)) if m else None


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.srcs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.srcs += [v for k, v in attrs if k == "src" and v]


def jpeg_width(data: bytes) -> int | None:
    """Pixel width from a JPEG's SOF marker (what a partner's image tool would read)."""
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            return int(struct.unpack(">H", data[i + 7:i + 9])[0])
        i += 2 + length
    return None


def resolve(base_key: str, href: str) -> str:
    """A relative link as a browser resolves it against the object's own key."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_key), href))


def check(snap: Snapshot, ninjs_schema: dict[str, Any]) -> list[str]:
    """Every promise of the contract that one snapshot can show; returns the broken ones."""
    problems: list[str] = []
    ninjs = Draft202012Validator(ninjs_schema)
    feed_v = Draft202012Validator(FEED_SCHEMA)
    objs = snap.objects

    # Keys, integrity, headers.
    for key, o in objs.items():
        if not (EDITION.match(key) or LATEST.match(key) or PICTURE.match(key) or FEED.match(key)):
            problems.append(f"{key}: not a key the contract defines")
        digest = hashlib.sha256(o.body).hexdigest()
        want = o.metadata.get("sha256") if not FEED.match(key) else o.metadata.get("sha256", digest)
        if want != digest:
            problems.append(f"{key}: sha256 metadata {want} != body {digest}")
        if o.content_type.split(";")[0] in TEXT_TYPES and "charset=utf-8" not in o.content_type.replace(" ", ""):
            problems.append(f"{key}: Content-Type {o.content_type!r} has no charset")
        if LATEST.match(key):
            if (_max_age(o.cache_control) or 10**9) > 300 or "immutable" in o.cache_control:
                problems.append(f"{key}: latest.json Cache-Control {o.cache_control!r} is not short")
        elif "immutable" not in o.cache_control:
            problems.append(f"{key}: Cache-Control {o.cache_control!r} is not immutable")

    # Editions: valid ninjs whose version names the key's edition.
    for key, o in objs.items():
        m = EDITION.match(key)
        if not m or m["ext"] != "json":
            continue
        doc = json.loads(o.body)
        errs = [e.message for e in ninjs.iter_errors(doc)]
        if errs:
            problems.append(f"{key}: not valid ninjs 2.2: {errs[:2]}")
        if doc.get("version") != f"{m['rev']}.{m['ed']}":
            problems.append(f"{key}: ninjs version {doc.get('version')!r} is not the key's edition")
        if (o.metadata.get("version"), o.metadata.get("edition")) != (m["rev"], m["ed"]):
            problems.append(f"{key}: metadata version/edition {o.metadata.get('version')}/{o.metadata.get('edition')}")

    # The feed: 1..n without gaps, one line per object, schema-valid, pointing at real bytes.
    lines = snap.feed()
    seqs = [line.get("seq") for _, line in lines]
    if seqs != list(range(1, len(lines) + 1)):
        problems.append(f"feed numbers are not 1..{len(lines)}: {seqs}")
    seen: set[tuple[Any, ...]] = set()
    newest: dict[tuple[str, str], tuple[int, int]] = {}
    for i, (key, line) in enumerate(lines):
        errs = [e.message for e in feed_v.iter_errors(line)]
        if errs:
            problems.append(f"{key}: feed line breaks the schema: {errs[:2]}")
            continue
        if int(FEED.match(key)["seq"]) != line["seq"]:  # type: ignore[index]
            problems.append(f"{key}: line seq {line['seq']} differs from its key")
        ident = (line["story"], line["lang"], line["version"], line["edition"])
        if ident in seen:
            problems.append(f"{key}: change {ident} announced twice")
        seen.add(ident)
        order = (line["version"], line["edition"])
        if order <= newest.get((line["story"], line["lang"]), (0, 0)):
            problems.append(f"{key}: {ident} does not move the story forward")
        newest[(line["story"], line["lang"])] = order
        m = EDITION.match(line["key"])
        if not m or (int(m["rev"]), int(m["ed"])) != order:
            problems.append(f"{key}: line key {line['key']} does not name edition {order}")
        target = objs.get(line["key"])
        killed_later = any(later["story"] == line["story"] and later["lang"] == line["lang"]
                           and later["pubstatus"] == "canceled" for _, later in lines[i + 1:])
        if target is None:
            if not killed_later:
                problems.append(f"{key}: points at missing {line['key']} and no kill followed")
        elif hashlib.sha256(target.body).hexdigest() != line["sha256"]:
            problems.append(f"{key}: sha256 does not match {line['key']}")
        elif line["pubstatus"] == "canceled":
            if "bodies" in json.loads(target.body) or json.loads(target.body).get("pubstatus") != "canceled":
                problems.append(f"{key}: kill line's object is not a tombstone")
        if line.get("embargoed") and target is not None:
            for ext in ("html", "txt"):
                sib = objs.get(line["key"][: -len("json")] + ext)
                if sib is not None and line["embargoed"] not in sib.body.decode("utf-8"):
                    problems.append(f"{sib.key}: embargoed copy does not state the embargo {line['embargoed']}")
            if target.metadata.get("embargoed") != line["embargoed"]:
                problems.append(f"{line['key']}: embargoed metadata differs from the feed line")

    # latest.json: a byte copy of the newest edition the feed announced; a tombstone leaves no bodies.
    for key, o in objs.items():
        m = LATEST.match(key)
        if not m:
            continue
        doc = json.loads(o.body)
        ed = re.fullmatch(r"(\d+)\.(\d+)", str(doc.get("version")))
        if not ed:
            problems.append(f"{key}: version {doc.get('version')!r} is not an edition")
            continue
        target = objs.get(f"{m['dir']}/v{doc['version']}.json")
        if target is None or target.body != o.body:
            problems.append(f"{key}: not a byte copy of v{doc['version']}.json")
        sd = STORY_DIR.match(m["dir"])
        if sd and newest.get((sd["story"], sd["lang"])) not in (None, (int(ed[1]), int(ed[2]))):
            problems.append(f"{key}: holds {doc['version']}, the feed's newest is {newest[(sd['story'], sd['lang'])]}")
        if doc.get("pubstatus") == "canceled":
            left = [k for k in objs if k.startswith(m["dir"] + "/") and not LATEST.match(k)
                    and objs[k].metadata.get("kind") != "tombstone"]
            if left or "bodies" in doc:
                problems.append(f"{key}: killed story still has {left[:3]}")

    # Links: every <img> and rendition href resolves, relative to its own key, to an object there;
    # the page shows the widest delivered picture, not a thumbnail.
    for key, o in objs.items():
        m = EDITION.match(key) or LATEST.match(key)
        if not m:
            continue
        hrefs: list[str] = []
        if key.endswith(".html"):
            parser = _Links()
            parser.feed(o.body.decode("utf-8"))
            hrefs = parser.srcs
            pics = [k for k in objs if k.startswith(m["dir"] + "/pictures/")]
            widths = {k: jpeg_width(objs[k].body) or 0 for k in pics}
            for src in hrefs:
                target_key = resolve(key, src)
                if pics and widths.get(target_key, -1) < max(widths.values()):
                    problems.append(f"{key}: <img> shows {src}, not the widest delivered picture")
        elif key.endswith(".json"):
            doc = json.loads(o.body)
            hrefs = [r["href"] for a in doc.get("associations", []) for r in a.get("renditions", [])]
        for href in hrefs:
            if resolve(key, href) not in objs:
                problems.append(f"{key}: link {href} resolves to missing {resolve(key, href)}")
    return problems


def immutability(before: Snapshot, after: Snapshot) -> list[str]:
    """Objects at edition, picture and feed keys are written once: later they hold the same bytes,
    or (bodies only) are gone because the story was killed; feed objects never go away."""
    problems = []
    killed_dirs = {LATEST.match(k)["dir"] for k, o in after.objects.items()  # type: ignore[index]
                   if LATEST.match(k) and json.loads(o.body).get("pubstatus") == "canceled"}
    for key, o in before.objects.items():
        if LATEST.match(key):
            continue
        now = after.objects.get(key)
        if now is None:
            d = (EDITION.match(key) or PICTURE.match(key))
            if FEED.match(key) or d is None or d["dir"] not in killed_dirs or o.metadata.get("kind") == "tombstone":
                problems.append(f"{key}: disappeared")
        elif now.body != o.body:
            problems.append(f"{key}: rewritten with other bytes")
    return problems


@dataclass
class FeedPoller:
    """The poller the contract describes: StartAfter the last number processed, never past a gap.

    `naive` is the poller the contract used to allow: StartAfter the last key listed, whatever came
    before it. It misses a change for good whenever a higher number becomes visible before a lower one.
    """

    s3: Any
    bucket: str
    prefix: str
    naive: bool = False
    processed: list[dict[str, Any]] = field(default_factory=list)
    gaps_seen: int = 0
    missing_targets: list[tuple[int, str]] = field(default_factory=list)  # (seq, key) gone or other bytes
    last_key: str = ""

    def poll(self) -> int:
        """One listing round; returns how many lines it processed."""
        args: dict[str, Any] = {"Bucket": self.bucket, "Prefix": self.prefix.strip("/") + "/feed/"}
        if self.last_key:
            args["StartAfter"] = self.last_key
        keys: list[str] = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(**args):
            keys += [o["Key"] for o in page.get("Contents", []) or []]
        done = 0
        for key in sorted(keys):
            seq = int(FEED.match(key)["seq"])  # type: ignore[index]
            if seq != len(self.processed) + 1 and not self.naive:
                self.gaps_seen += 1  # a PUT still in flight: wait for it, never skip it
                break
            for raw in self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read().decode().splitlines():
                line = json.loads(raw)
                try:
                    body = self.s3.get_object(Bucket=self.bucket, Key=line["key"])["Body"].read()
                    if hashlib.sha256(body).hexdigest() != line["sha256"]:
                        self.missing_targets.append((line["seq"], f"{line['key']} (other bytes)"))
                except self.s3.exceptions.NoSuchKey:  # killed since (a later kill line says so), or broken
                    self.missing_targets.append((line["seq"], line["key"]))
                self.processed.append(line)
            self.last_key = key
            done += 1
        return done

    def drain(self, idle_rounds: int = 3, pause: float = 0.1) -> None:
        idle = 0
        while idle < idle_rounds:
            idle = 0 if self.poll() else idle + 1
            time.sleep(pause)
