"""A self-hosted LibreTranslate server through deep-translator's LibreTranslator."""

from __future__ import annotations

from typing import Any, ClassVar

from deep_translator import LibreTranslator

from adapters.errors import ConfigError
from adapters.translate.batching import BatchingTranslator
from adapters.translate.deep_errors import run_deep

# deep-translator refuses to build without a key even when the server needs none.
DUMMY_KEY = "unused"


class LibreEngine(BatchingTranslator):
    """Joined paragraphs to our own LibreTranslate; confidential when the operator says so."""

    kind: ClassVar[str] = "libre"
    hard_limit: ClassVar[int] = 20000
    default_limit: ClassVar[int] = 1500  # the text travels in the query string

    def __init__(self, name: str, *, url: str | None, api_key: str | None = None, **kwargs: Any) -> None:
        if not url:
            raise ConfigError(f"engines.{name}.url: LibreTranslate needs the URL of your own server")
        super().__init__(name, **kwargs)
        self.url = url if url.endswith("/") else url + "/"  # deep-translator appends "translate"
        self._api_key = api_key or DUMMY_KEY

    def _request_one(self, text: str, source: str, target: str, context: Any) -> str:
        def call() -> str:
            client = LibreTranslator(source=source, target=target, api_key=self._api_key, custom_url=self.url)
            return client.translate(text)

        return run_deep(self.name, self.timeout, call)
