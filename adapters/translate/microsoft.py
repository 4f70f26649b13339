"""Microsoft Translator v3 called directly: arrays of paragraphs in one request, key + region headers."""

from __future__ import annotations

from typing import Any, ClassVar

import httpx

from adapters.errors import ConfigError, TransientError
from adapters.translate.batching import BatchingTranslator
from adapters.translate.httpcall import json_of, send

DEFAULT_URL = "https://api.cognitive.microsofttranslator.com"


class MicrosoftEngine(BatchingTranslator):
    """Direct API (deep-translator's class calls the internet in its constructor, one text a request)."""

    kind: ClassVar[str] = "microsoft"
    hard_limit: ClassVar[int] = 50000
    default_limit: ClassVar[int] = 45000
    array_api: ClassVar[bool] = True
    max_items: ClassVar[int] = 1000

    def __init__(self, name: str, *, api_key: str | None, region: str | None = None, url: str | None = None,
                 http: httpx.Client | None = None, **kwargs: Any) -> None:
        """`http` is shared by the composition root (and a MockTransport in unit tests); else one of our own."""
        if not api_key:
            raise ConfigError(f"engines.{name}.api_key_env: Microsoft Translator needs a key")
        super().__init__(name, **kwargs)
        self.url = (url or DEFAULT_URL).rstrip("/")
        headers = {"Ocp-Apim-Subscription-Key": api_key, "Content-Type": "application/json"}
        if region:
            headers["Ocp-Apim-Subscription-Region"] = region
        # Per request, not on the client: a shared client carries no engine's key.
        self._auth: dict[str, Any] = {"headers": headers, "timeout": self.timeout}
        self._client = http or httpx.Client()

    def _request_many(self, texts: list[str], source: str, target: str, context: Any) -> list[str]:
        params = {"api-version": "3.0", "from": source, "to": target, "textType": "plain"}
        response = send(self._client, self.name, "POST", f"{self.url}/translate", params=params, json=[{"Text": t} for t in texts],
                        **self._auth)
        data = json_of(response, self.name)
        try:
            return [item["translations"][0]["text"] for item in data]
        except (KeyError, IndexError, TypeError) as exc:
            raise TransientError(f"{self.name}: unexpected answer shape") from exc
