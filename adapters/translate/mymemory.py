"""MyMemory's free JSON API through deep-translator (public, under 500 characters a request)."""

from __future__ import annotations

from typing import Any, ClassVar

from deep_translator import MyMemoryTranslator

from adapters.errors import PermanentError
from adapters.translate.batching import BatchingTranslator
from adapters.translate.deep_errors import run_deep

# MyMemory wants locale codes; deep-translator only accepts the ones in its table.
CODES = {"en": "en-GB", "id": "id-ID", "ms": "ms-MY"}


class MyMemoryEngine(BatchingTranslator):
    """Small requests (MyMemory refuses 500+ characters); quota warnings are permanent."""

    kind: ClassVar[str] = "mymemory"
    hard_limit: ClassVar[int] = 499
    default_limit: ClassVar[int] = 480

    def __init__(self, name: str, *, url: str | None = None, email: str | None = None, **kwargs: Any) -> None:
        kwargs["confidential"] = False
        super().__init__(name, **kwargs)
        self.url = url
        self.email = email

    def _request_one(self, text: str, source: str, target: str, context: Any) -> str:
        def call() -> str:
            extra = {"email": self.email} if self.email else {}
            client = MyMemoryTranslator(source=CODES.get(source, source), target=CODES.get(target, target), **extra)
            if self.url:
                client._base_url = self.url
            return client.translate(text)

        out = run_deep(self.name, self.timeout, call)
        # MyMemory answers HTTP 200 with a warning in place of the translation when the quota is gone.
        if isinstance(out, str) and out.lstrip().upper().startswith("MYMEMORY WARNING"):
            raise PermanentError(f"{self.name}: quota exhausted ({out[:120]})")
        return out
