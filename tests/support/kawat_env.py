"""Build a complete Kawat configuration for a test: folder inbox, engine, real S3 partners."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path

import pytest

from bench.engine_server import pseudo_translate
from flows.bootstrap import Container, bootstrap, set_container
from flows.settings import EngineConfig, PartnerConfig, Settings, SourceConfig, StorageConfig
from infra.provision import ProvisionReport, provision
from infra.seaweed import SeaweedServer
from tests.support import mt_servers
from tests.support.s3 import ADMIN, client_for

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples" / "wire"

# The benchmark engine's stand-in translation: langdetect reads it as the target language.
language_like = pseudo_translate


def use_language_like_translations(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Make the protocol servers answer in (fake) target-language text so output QA passes."""
    monkeypatch.setattr(mt_servers, "fake_translate", language_like)


def partner_configs(n: int = 2, *, languages: Iterable[Iterable[str]] = (("id",), ("en",)),
                    formats: tuple[str, ...] = ("ninjs", "html", "text"), **extra: object) -> list[dict]:
    """`n` partners with unique buckets (the S3 server is shared by the whole session)."""
    tag = uuid.uuid4().hex[:8]
    langs = list(languages)
    return [
        {"id": f"partner-{chr(97 + i)}-{tag}", "languages": list(langs[i % len(langs)]),
         "formats": list(formats), "bucket": f"kawat-{chr(97 + i)}-{tag}", "prefix": f"out{i}",
         "access_key_env": None, **extra}
        for i in range(n)
    ]


def make_settings(tmp: Path, seaweed: SeaweedServer, *, partners: list[dict], engine: str = "libre",
                  engine_url: str | None = None, samples: bool = True, **kawat: object) -> Settings:
    """Settings as a kawat.toml would give them; Kawat writes with the writer identity named by env vars."""
    inbox = tmp / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    if samples:
        for f in SAMPLES.iterdir():
            shutil.copy2(f, inbox / f.name)
    engines = {"dry-run": EngineConfig(kind="dry-run", confidential=True)}
    if engine_url:
        engines[engine] = EngineConfig(kind=engine, url=engine_url, confidential=True, timeout=5,
                                       max_attempts=3, rate_per_second=200, concurrency=8)
    return Settings(
        data_dir=tmp / "state", engine=engine, editor="Lili Lestari",
        sources=[SourceConfig(name="drop", kind="folder", path=str(inbox))],
        engines=engines,
        storage=StorageConfig(endpoint_url=seaweed.endpoint_url, access_key_env="KAWAT_TEST_WRITER_ACCESS_KEY",
                              secret_key_env="KAWAT_TEST_WRITER_SECRET_KEY",
                              retry_wait=0.05, retry_wait_max=0.2),  # same tries, no production pauses
        partners=[PartnerConfig(**{k: v for k, v in p.items() if v is not None}) for p in partners],
        **kawat,
    )


def provision_partners(seaweed: SeaweedServer, settings: Settings) -> ProvisionReport:
    """Buckets, a writer limited to them, one read-only identity per partner (admin kept as it is)."""
    report = provision(settings.partners, client_for(seaweed, ADMIN), seaweed=seaweed,
                       out_dir=settings.data_dir / "aws")
    assert report.writer is not None
    os.environ["KAWAT_TEST_WRITER_ACCESS_KEY"] = report.writer.access_key
    os.environ["KAWAT_TEST_WRITER_SECRET_KEY"] = report.writer.secret_key
    return report


def install(settings: Settings) -> Container:
    """Bootstrap and make it the process container the flows use."""
    c = bootstrap(settings)
    set_container(c)
    return c


def fast_task_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the flow's task retries but without their production 10 s pauses (CI time)."""
    import flows.syndicate as fs

    monkeypatch.setattr(fs, "process_story", fs.process_story.with_options(retry_delay_seconds=0))
    monkeypatch.setattr(fs, "handle_file", fs.handle_file.with_options(retry_delay_seconds=0))
