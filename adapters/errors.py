"""Our error types: every vendor exception at an edge becomes one of these (`raise ... from exc`)."""

from __future__ import annotations


class KawatError(Exception):
    """Base for every error Kawat raises on purpose."""


class TransientError(KawatError):
    """Worth retrying: timeouts, 429/5xx, connection resets, empty or echoed engine output."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(KawatError):
    """Retrying cannot help: bad credentials, quota, unsupported language, 4xx."""


class WireError(PermanentError):
    """A wire file we cannot accept; names the file and the reason, and the file is quarantined."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ConfigError(PermanentError):
    """Settings or kawat.toml are wrong; say which key and why."""
