"""Real Prefect processes on this machine (a `prefect server`, `kawat serve`, workers) and the UI's REST calls.

Shared by the e2e tests and the benchmarks, which must drive Prefect exactly as an operator does.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def free_port() -> int:
    """A port nobody listens on right now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    """Used to skip PostgreSQL tests cleanly when nothing listens."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def prefect_env(home: Path, api_url: str | None = None, **extra: str) -> dict[str, str]:
    """A clean child environment: own PREFECT_HOME, offline, no inherited Prefect/Kawat settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PREFECT_", "KAWAT_")) and k != "PYTEST_CURRENT_TEST"}
    env.update({
        "PREFECT_HOME": str(home),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_CLI_PROMPT": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_RESULTS_LOCAL_STORAGE_PATH": str(home / "results"),
        "PYTHONUNBUFFERED": "1",
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    })
    if api_url:
        env["PREFECT_API_URL"] = api_url
    env.update(extra)
    return env


@dataclass
class Proc:
    """One child process in its own process group, logging to a file the test can show on failure."""

    name: str
    cmd: Sequence[str]
    env: Mapping[str, str]
    log: Path
    cwd: Path = REPO
    popen: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> Proc:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as out:
            self.popen = subprocess.Popen(list(self.cmd), env=dict(self.env), cwd=self.cwd, stdout=out,
                                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                          start_new_session=True)
        return self

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def output(self, tail: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-tail:]
        except OSError:
            return ""

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM the whole group (flow-run subprocesses too), SIGKILL what is left."""
        if self.popen is None:
            return
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            if self.popen.poll() is not None:
                break
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.popen.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
        # Children that outlived the leader still carry its process group id.
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


@dataclass
class PrefectServer:
    """`prefect server start` on a free port with its own PREFECT_HOME (SQLite unless `database_url`)."""

    home: Path
    database_url: str | None = None
    port: int = 0
    proc: Proc | None = None
    ui: bool = False  # the web UI too (a browser test looks at it); off by default: it costs start-up time

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self, timeout: float = 150.0) -> PrefectServer:
        self.port = self.port or free_port()
        extra = {
            # Schedules would add runs the tests did not ask for; the tests trigger runs themselves.
            "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
            "PREFECT_SERVER_UI_ENABLED": "true" if self.ui else "false",
            "PREFECT_API_DATABASE_MIGRATE_ON_START": "true",
        }
        if self.database_url:
            extra["PREFECT_API_DATABASE_CONNECTION_URL"] = self.database_url
        if self.ui:
            extra["PREFECT_UI_API_URL"] = self.api_url  # the browser talks to this server, not :4200
        env = prefect_env(self.home, **extra)
        self.proc = Proc("prefect-server", [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                                            "--port", str(self.port)], env, self.home / "server.log").start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.proc.alive():
                raise RuntimeError(f"prefect server exited early:\n{self.proc.output()}")
            try:
                if httpx.get(f"{self.api_url}/health", timeout=2.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise TimeoutError(f"prefect server not healthy after {timeout}s:\n{self.proc.output()}")

    def stop(self) -> None:
        if self.proc:
            self.proc.stop()

    def client(self) -> Api:
        return Api(self.api_url)


class Api:
    """The REST calls the Prefect UI makes: find a deployment, press Run, watch the run."""

    def __init__(self, api_url: str) -> None:
        self.http = httpx.Client(base_url=api_url.rstrip("/") + "/", timeout=30.0)

    def close(self) -> None:
        self.http.close()

    def _request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        # Like Prefect's own client (and the UI): a busy SQLite-backed server answers 503; try again.
        for attempt in range(6):
            r = self.http.request(method, path, **kw)
            if r.status_code not in (429, 502, 503):
                return r
            time.sleep(0.5 * 2 ** attempt)
        return r

    def _json(self, method: str, path: str, **kw: Any) -> Any:
        r = self._request(method, path, **kw)
        r.raise_for_status()
        return r.json() if r.content else None

    def deployment(self, flow: str, name: str) -> dict | None:
        r = self._request("GET", f"deployments/name/{flow}/{name}")
        if r.status_code == 404:
            return None
        r.raise_for_status()
        return r.json()

    def wait_deployment(self, flow: str, name: str, timeout: float, alive: Proc | None = None) -> dict:
        """Deployments appear once `serve`/`deploy` has registered them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            dep = self.deployment(flow, name)
            if dep:
                return dep
            if alive is not None and not alive.alive():
                raise RuntimeError(f"{alive.name} exited before registering {flow}/{name}:\n{alive.output()}")
            time.sleep(0.5)
        raise TimeoutError(f"deployment {flow}/{name} not registered after {timeout}s"
                           + (f":\n{alive.output()}" if alive else ""))

    def run_deployment(self, deployment_id: str, parameters: Mapping[str, Any] | None = None) -> dict:
        """What the UI's Run button posts."""
        return self._json("POST", f"deployments/{deployment_id}/create_flow_run",
                          json={"parameters": dict(parameters or {}), "state": {"type": "SCHEDULED"}})

    def flow_run(self, run_id: str) -> dict:
        return self._json("GET", f"flow_runs/{run_id}")

    def wait_flow_run(self, run_id: str, timeout: float, watch: Sequence[Proc] = ()) -> dict:
        """Poll until the run is terminal; fail early (with logs) if a process it depends on died."""
        deadline = time.monotonic() + timeout
        run: dict = {}
        while time.monotonic() < deadline:
            run = self.flow_run(run_id)
            if (run.get("state_type") or "") in TERMINAL:
                return run
            for p in watch:
                if not p.alive():
                    raise RuntimeError(f"{p.name} died while run {run_id} was {run.get('state_type')}:\n{p.output()}")
            time.sleep(0.5)
        logs = "\n".join(f"--- {p.name}\n{p.output()}" for p in watch)
        raise TimeoutError(f"flow run {run_id} still {run.get('state_type')} after {timeout}s\n{logs}")

    def flow_run_logs(self, run_id: str) -> str:
        rows = self._json("POST", "logs/filter",
                          json={"logs": {"flow_run_id": {"any_": [run_id]}}, "sort": "TIMESTAMP_ASC", "limit": 200})
        return "\n".join(r.get("message", "") for r in rows)

    def artifacts(self, run_id: str, key: str | None = None) -> list[dict]:
        """Table artifacts a run published (Kawat's run report)."""
        body: dict[str, Any] = {"artifacts": {"flow_run_id": {"any_": [run_id]}}}
        if key:
            body["artifacts"]["key"] = {"any_": [key]}
        return self._json("POST", "artifacts/filter", json=body)

    def create_process_pool(self, name: str) -> dict:
        return self._json("POST", "work_pools/", json={"name": name, "type": "process"})


def describe_failure(api: Api, run: dict) -> str:
    """State message plus the run's API logs, for assertion messages."""
    try:
        logs = api.flow_run_logs(run["id"])
    except httpx.HTTPError:
        logs = ""
    return f"{run.get('name')}: {run.get('state_type')} {(run.get('state') or {}).get('message')}\n{logs[-3000:]}"


def kawat_toml(*, data_dir: Path, inbox: Path, endpoint: str, partners: Sequence[Mapping[str, Any]],
               access_env: str, secret_env: str, database_url: str | None = None, engine: str = "dry-run") -> str:
    """A kawat.toml as an operator writes it: folder inbox, one engine, SeaweedFS storage, partners."""
    import json

    lines = ["[kawat]", f"data_dir = {json.dumps(str(data_dir))}", f"engine = {json.dumps(engine)}",
             "allow_dry_run = true", 'editor = "Meja Redaksi Kawat"']
    if database_url:
        lines.append(f"database_url = {json.dumps(database_url)}")
    lines += ["", "[[sources]]", 'name = "drop"', 'kind = "folder"', f"path = {json.dumps(str(inbox))}", "",
              "[storage]", f"endpoint_url = {json.dumps(endpoint)}", 'region = "us-east-1"',
              f"access_key_env = {json.dumps(access_env)}", f"secret_key_env = {json.dumps(secret_env)}", ""]
    for p in partners:
        lines.append("[[partners]]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in p.items() if v is not None]
        lines.append("")
    return "\n".join(lines)
