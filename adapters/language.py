"""Which way a story goes (EN→ID or ID→EN), and whether a translation came out in the right language."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from langdetect import DetectorFactory
from langdetect.detector_factory import init_factory
from langdetect.lang_detect_exception import LangDetectException

from adapters.errors import PermanentError

SUPPORTED = ("en", "id")
DIRECTION = {"en": "id", "id": "en"}
# Fewer letters than this and langdetect guesses (e.g. "Hello" → fi); we do not trust it.
MIN_LETTERS = 40
# Below this probability a detection does not override the feed's declared language.
MIN_CONFIDENCE = 0.80
# langdetect has no Malay profile, but other tags for the same language reach us from feeds.
_ALIASES = {"ms": "id", "in": "id", "ind": "id", "msa": "id", "zlm": "id", "eng": "en"}
_LETTER = re.compile(r"[^\W\d_]")
_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+")

_lock = threading.Lock()


def canonical(tag: str | None) -> str | None:
    """"en-GB" → "en", "id-ID"/"in"/"ms" → "id": one spelling per language."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    return _ALIASES.get(primary, primary) or None


def detect_language(text: str) -> tuple[str | None, float]:
    """Seeded, lock-guarded langdetect; (None, 0.0) for text too short or without letters."""
    cleaned = _URL.sub(" ", text)
    if len(_LETTER.findall(cleaned)) < MIN_LETTERS:
        return None, 0.0
    with _lock:  # langdetect's factory and seeded random state are shared module globals
        DetectorFactory.seed = 0
        init_factory()
        try:
            from langdetect.detector_factory import _factory

            detector = _factory.create()  # type: ignore[union-attr]
            detector.append(cleaned)
            ranked = detector.get_probabilities()
        except LangDetectException:
            return None, 0.0
    if not ranked:
        return None, 0.0
    best = ranked[0]
    return canonical(best.lang), float(best.prob)


@dataclass(frozen=True)
class Route:
    """Translation direction for one story, with what we detected and why we decided."""

    source: str
    target: str
    detected: str | None
    note: str | None = None


def route(body_text: str, declared: str | None) -> Route:
    """EN→ID for English bodies, ID→EN for Indonesian; the feed's language when detection cannot say."""
    feed = canonical(declared)
    detected, prob = detect_language(body_text)
    if detected is not None and prob >= MIN_CONFIDENCE:
        if detected not in SUPPORTED:
            raise PermanentError(f"body is in {detected!r} (p={prob:.2f}); only en and id are translated")
        note = None
        if feed and feed != detected:
            note = f"feed declares {declared!r} but the body detects as {detected!r} (p={prob:.2f}); using {detected!r}"
        return Route(detected, DIRECTION[detected], detected, note)
    why = "too short or undetectable" if detected is None else f"uncertain ({detected!r}, p={prob:.2f})"
    if feed not in SUPPORTED:
        raise PermanentError(f"body language {why} and the feed declares {declared!r}; cannot route")
    return Route(feed, DIRECTION[feed], detected, f"body language {why}; using the feed's declared {feed!r}")


def check_output(text: str, target: str) -> str | None:
    """A problem when a translated body does not detect as `target`; None when fine or undeterminable."""
    detected, prob = detect_language(text)
    want = canonical(target)
    if detected is None or detected == want:
        return None
    if prob < MIN_CONFIDENCE:
        return None
    return f"translated body detects as {detected!r} (p={prob:.2f}), expected {want!r}"
