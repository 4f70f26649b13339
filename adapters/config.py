"""The configuration sections adapters are built from: sources, engines, storage, partners.

They live here, not in `flows.settings`, so adapters and infra can take them without importing flows.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from newsroom.model import Story


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Credentials(_Section):
    """Where to find an access key pair: env var names or a Prefect Secret block, never literals."""

    access_key_env: str | None = None
    secret_key_env: str | None = None
    secret_block: str | None = None


class SourceConfig(Credentials):
    name: str
    kind: Literal["folder", "s3"] = "folder"
    path: str | None = None
    bucket: str | None = None
    prefix: str = "inbox/"
    endpoint_url: str | None = None
    region: str = "us-east-1"


class EngineConfig(_Section):
    """One translation engine; `confidential` engines alone may see embargoed copy."""

    kind: Literal["google", "mymemory", "libre", "microsoft", "deepl", "dry-run"]
    url: str | None = None
    api_key_env: str | None = None
    region: str | None = None
    confidential: bool = False
    timeout: float = 30.0
    max_attempts: int = 4
    rate_per_second: float = 5.0
    concurrency: int = 4
    max_chars: int | None = None


class StorageConfig(Credentials):
    """Kawat's own write identity for partner buckets (a partner entry may override it)."""

    endpoint_url: str | None = None
    region: str = "us-east-1"
    # One delivery's tries before the story's task gives it another go; pauses double up to the max.
    retry_attempts: int = Field(4, ge=1)
    retry_wait: float = Field(0.5, ge=0)
    retry_wait_max: float = Field(20.0, ge=0)


class PartnerFilters(_Section):
    subjects: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    max_urgency: int | None = None


Format = Literal["ninjs", "html", "text"]


def _ninjs_only() -> list[Format]:
    return ["ninjs"]


class PartnerConfig(Credentials):
    id: str
    languages: list[str] = Field(default_factory=lambda: ["id"])
    formats: list[Format] = Field(default_factory=_ninjs_only)
    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None
    credit_template: str = "standard"
    mt_disclosure: bool = True
    embargo_policy: Literal["hold", "deliver"] = "hold"
    filters: PartnerFilters = Field(default_factory=PartnerFilters)

    @field_validator("formats")
    @classmethod
    def _ninjs_always(cls, v: list[str]) -> list[str]:
        return v if "ninjs" in v else ["ninjs", *v]

    def accepts(self, story: Story) -> bool:
        """The partner's filters: subjects, keywords, urgency (an empty filter takes everything)."""
        f = self.filters
        codes = {s.code for s in story.subjects} | {s.name for s in story.subjects if s.name}
        if f.subjects and not codes & set(f.subjects):
            return False
        if f.keywords and not {k.lower() for k in story.keywords} & {k.lower() for k in f.keywords}:
            return False
        return not (f.max_urgency is not None and story.urgency is not None and story.urgency > f.max_urgency)
