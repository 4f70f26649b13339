"""Google's free web endpoint through deep-translator's GoogleTranslator (public: never confidential)."""

from __future__ import annotations

from typing import Any, ClassVar

from deep_translator import GoogleTranslator

from adapters.translate.batching import BatchingTranslator
from adapters.translate.deep_errors import run_deep


class GoogleEngine(BatchingTranslator):
    """Paragraphs joined by blank lines, each request under Google's 5,000-character ceiling."""

    kind: ClassVar[str] = "google"
    hard_limit: ClassVar[int] = 4999
    default_limit: ClassVar[int] = 4500

    def __init__(self, name: str, *, url: str | None = None, **kwargs: Any) -> None:
        kwargs["confidential"] = False  # a free public endpoint can never see embargoed copy
        super().__init__(name, **kwargs)
        self.url = url

    def _request_one(self, text: str, source: str, target: str, context: Any) -> str:
        def call() -> str:
            # A fresh client per request: deep-translator keeps per-call state on the instance.
            client = GoogleTranslator(source=source, target=target)
            if self.url:
                client._base_url = self.url
            return client.translate(text)

        return run_deep(self.name, self.timeout, call)
