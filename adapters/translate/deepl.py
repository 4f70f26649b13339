"""DeepL's v2 API called directly: POST with the auth header, native glossaries, XML tag handling."""

from __future__ import annotations

import hashlib
import re
import threading
from typing import Any, ClassVar
from xml.sax.saxutils import escape, unescape

import httpx

from adapters.errors import ConfigError, TransientError
from adapters.translate.base import GlossaryPairs, Guard
from adapters.translate.batching import BatchingTranslator
from adapters.translate.httpcall import json_of, send
from adapters.translate.protect import PLACEHOLDER

PRO_URL = "https://api.deepl.com"
FREE_URL = "https://api-free.deepl.com"

# Caller-protected spans are wrapped <kw>…</kw>; placeholder tokens we wrap ourselves in <kwp>.
PROTECT_TAG = "kw"
_AUTO_TAG = "kwp"
_SPAN = re.compile(rf"<{PROTECT_TAG}>(.*?)</{PROTECT_TAG}>|{PLACEHOLDER.pattern}", re.S)
_OUR_TAGS = re.compile(rf"</?(?:{PROTECT_TAG}|{_AUTO_TAG})\s*/?>")
_ENTITIES = {"&quot;": '"', "&apos;": "'"}

# DeepL's target codes for English need a variant; sources are the bare language.
_TARGET = {"en": "EN-US", "id": "ID"}


def to_xml(text: str) -> str:
    """Escape text for tag_handling=xml, wrapping placeholders and <kw> spans so DeepL leaves them."""
    out: list[str] = []
    pos = 0
    for m in _SPAN.finditer(text):
        out.append(escape(text[pos : m.start()]))
        if m.group(1) is not None:
            out.append(f"<{PROTECT_TAG}>{escape(m.group(1))}</{PROTECT_TAG}>")
        else:
            out.append(f"<{_AUTO_TAG}>{m.group()}</{_AUTO_TAG}>")
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def from_xml(text: str) -> str:
    """Plain text again: our wrapper tags dropped, entities decoded."""
    return unescape(_OUR_TAGS.sub("", text), _ENTITIES)


def glossary_tsv(pairs: GlossaryPairs) -> str:
    """DeepL TSV entries: one pair a line, no tabs/newlines inside terms, first pair per source wins."""
    seen: set[str] = set()
    lines: list[str] = []
    for src, tgt in pairs:
        s, t = " ".join(src.split()), " ".join(tgt.split())
        if s and t and s not in seen:
            seen.add(s)
            lines.append(f"{s}\t{t}")
    return "\n".join(lines)


class DeepLEngine(BatchingTranslator):
    """Arrays of up to 50 paragraphs per request; our term base becomes a DeepL glossary by content hash."""

    kind: ClassVar[str] = "deepl"
    hard_limit: ClassVar[int] = 30000
    default_limit: ClassVar[int] = 25000
    array_api: ClassVar[bool] = True
    max_items: ClassVar[int] = 50
    native_glossary: bool = True

    def __init__(self, name: str, *, api_key: str | None, url: str | None = None, http: httpx.Client | None = None,
                 **kwargs: Any) -> None:
        """`http` is shared by the composition root (and a MockTransport in unit tests); else one of our own."""
        if not api_key:
            raise ConfigError(f"engines.{name}.api_key_env: DeepL needs an auth key")
        super().__init__(name, **kwargs)
        self.url = (url or (FREE_URL if api_key.endswith(":fx") else PRO_URL)).rstrip("/")
        # Per request, not on the client: a shared client carries no engine's key.
        self._auth = {"headers": {"Authorization": f"DeepL-Auth-Key {api_key}"}, "timeout": self.timeout}
        self._client = http or httpx.Client()
        self._glossaries: dict[str, str] = {}
        self._glossary_lock = threading.Lock()

    def glossary_name(self, source: str, target: str, pairs: GlossaryPairs) -> str:
        digest = hashlib.sha256(glossary_tsv(pairs).encode()).hexdigest()[:20]
        return f"kawat-{source}-{target}-{digest}"

    def ensure_glossary(self, source: str, target: str, pairs: GlossaryPairs, run: Guard[Any]) -> str | None:
        """The id of a DeepL glossary holding exactly `pairs`: reused when it exists, else created."""
        entries = glossary_tsv(pairs)
        if not entries:
            return None
        name = self.glossary_name(source, target, pairs)
        with self._glossary_lock:
            if name in self._glossaries:
                return self._glossaries[name]

            def find() -> str | None:
                data = json_of(send(self._client, self.name, "GET", f"{self.url}/v2/glossaries", **self._auth), self.name)
                for g in data.get("glossaries", []):
                    if g.get("name") == name and g.get("ready", True):
                        return str(g["glossary_id"])
                return None

            def create() -> str:
                body = {"name": name, "source_lang": source, "target_lang": target, "entries": entries, "entries_format": "tsv"}
                data = json_of(send(self._client, self.name, "POST", f"{self.url}/v2/glossaries", json=body, **self._auth), self.name)
                if not data.get("glossary_id"):
                    raise TransientError(f"{self.name}: glossary creation returned no id")
                return str(data["glossary_id"])

            gid = run(find, 0) or run(create, len(entries))
            self._glossaries[name] = gid
            return gid

    def _prepare(self, source: str, target: str, glossary: GlossaryPairs, run: Guard[Any]) -> Any:
        return self.ensure_glossary(source, target, glossary, run) if glossary else None

    def _request_many(self, texts: list[str], source: str, target: str, context: Any) -> list[str]:
        body: dict[str, Any] = {
            "text": [to_xml(t) for t in texts],
            "source_lang": source.upper(),
            "target_lang": _TARGET.get(target, target.upper()),
            "tag_handling": "xml",
            "ignore_tags": [PROTECT_TAG, _AUTO_TAG],
            "preserve_formatting": True,
        }
        if context:
            body["glossary_id"] = context
        data = json_of(send(self._client, self.name, "POST", f"{self.url}/v2/translate", json=body, **self._auth), self.name)
        try:
            return [from_xml(t["text"]) for t in data["translations"]]
        except (KeyError, TypeError) as exc:
            raise TransientError(f"{self.name}: unexpected answer shape") from exc

