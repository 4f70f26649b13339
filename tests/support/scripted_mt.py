"""A scripted engine that translates like a real one: readable words move into target order, opaque tokens do not.

Each known paragraph has a target *template*: engine words, plus `{source phrase=rendering}` for
every phrase Kawat may protect. Given Kawat's masked text, the engine aligns it with the source
paragraph to learn which source phrase each token hides, then writes the template:

* clean   — an ideal engine: every token lands where its phrase belongs in the target;
* reorder — a real engine: it cannot read tokens, so they keep their source order in the slots
            tokens occupy (readable words, injected target terms included, still move);
* mangle  — as reorder, and tokens come back with spaces inside and in lower case;
* drop    — as mangle, and the last token of a paragraph is lost.

A phrase the engine can read (not masked) is rendered as the template says, the way an engine
would without the house rules (no "(20/11)", "Rp 1,5 triliun", "Microsoft CEO" order kept...).
Unknown input comes back as "[untranslated] …" so a test sees it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

TOKEN = re.compile(r"ZX\d+Q")
_HOLE = "\u2063"  # marks where a token was while words are aligned
_SLOT = re.compile(r"\{([^{}=]+)=([^{}]*)\}")
MODES = ("clean", "reorder", "mangle", "drop")


@dataclass(frozen=True)
class Pair:
    source: str
    template: str


def _phrases(template: str) -> list[str]:
    return sorted({m.group(1) for m in _SLOT.finditer(template)}, key=len, reverse=True)


def _align_tokens(masked: str, source: str, phrases: Sequence[str]) -> list[tuple[str, int, int]] | None:
    """(token, start, end) of the source text each token hides, or None when the literal parts differ.

    A token may hide one template phrase or several side by side (a merged unit), never part of one.
    """
    parts = TOKEN.split(masked)
    tokens = TOKEN.findall(masked)
    one = "(?:" + "|".join(re.escape(p) for p in phrases) + ")" if phrases else "(?!)"
    group = rf"({one}(?:(?:['’]s?)?\s+{one})*)"
    pattern = "".join(
        r"\s*".join(re.escape(w) for w in part.split()) + (rf"\s*{group}\s*" if i < len(tokens) else "")
        for i, part in enumerate(parts)
    )
    m = re.fullmatch(r"\s*" + pattern + r"\s*", source, re.S)
    if m is None:
        return None
    return [(tok, m.start(i + 1), m.end(i + 1)) for i, tok in enumerate(tokens)]


def _align_words(masked: str, source: str) -> list[tuple[str, int, int]]:
    """Injected target text: (input words, start, end) of each source stretch the input replaced."""
    src_words = [(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", source)]
    in_words = masked.split()
    sm = difflib.SequenceMatcher(a=[w for w, *_ in src_words], b=in_words, autojunk=False)
    out = []
    for op, a0, a1, b0, b1 in sm.get_opcodes():
        words = [w for w in in_words[b0:b1] if _HOLE not in w]
        if op == "replace" and a1 > a0 and words and len(words) == b1 - b0:
            out.append((" ".join(words), src_words[a0][1], src_words[a1 - 1][2]))
    return out


class ScriptedEngine:
    """Callable `(text, target) -> text` for MTServer(translator=...)."""

    def __init__(self, pairs: Sequence[Pair], mode: str = "clean") -> None:
        if mode not in MODES:
            raise ValueError(mode)
        self.pairs = list(pairs)
        self.mode = mode
        self.unknown: list[str] = []

    def __call__(self, text: str, target: str) -> str:
        """Paragraphs batched into one request (blank-line separated) are translated one by one."""
        parts = re.split(r"(\n\s*\n)", text)
        return "".join(p if i % 2 else self._one(p) for i, p in enumerate(parts))

    def _one(self, text: str) -> str:
        if not text.strip():
            return text
        for pair in self.pairs:
            tokens = _align_tokens(text, pair.source, _phrases(pair.template))
            if tokens is not None:
                return self._render(pair, tokens, [])
        best = max(self.pairs, key=lambda p: difflib.SequenceMatcher(a=p.source, b=text).ratio(), default=None)
        if best is not None and difflib.SequenceMatcher(a=best.source, b=TOKEN.sub("", text)).ratio() > 0.6:
            # Target terms written into the source (inject): align words; tokens (conventions) as before.
            stripped = best.source
            injected = _align_words(TOKEN.sub(lambda m: f" {_HOLE}{m.group()} ", text), stripped)
            tokens = _align_tokens(text, _rebuild(best.source, injected), _phrases(best.template)) or []
            return self._render(best, _map_back(tokens, best.source, injected), injected)
        self.unknown.append(text)
        return "[untranslated] " + text

    def _render(self, pair: Pair, tokens: list[tuple[str, int, int]], injected: list[tuple[str, int, int]]) -> str:
        slots = list(_SLOT.finditer(pair.template))
        used: set[str] = set()
        fills: list[str] = []
        token_slots: list[int] = []
        search_from: dict[str, int] = {}
        for k, slot in enumerate(slots):
            phrase, rendering = slot.group(1), slot.group(2)
            at = pair.source.find(phrase, search_from.get(phrase, 0))
            search_from[phrase] = at + 1 if at >= 0 else 0
            end = at + len(phrase)
            hit = next((t for t in tokens if at >= 0 and t[1] < end and at < t[2]), None)
            inj = next((t for t in injected if at >= 0 and t[1] < end and at < t[2]), None)
            if hit is not None:
                fills.append("" if hit[0] in used else hit[0])
                if hit[0] not in used:
                    token_slots.append(k)
                used.add(hit[0])
            elif inj is not None:
                fills.append("" if inj[0] in used else inj[0])
                used.add(inj[0])
            else:
                fills.append(rendering)
        if self.mode != "clean" and token_slots:
            in_source_order = [t[0] for t in sorted(tokens, key=lambda t: t[1]) if t[0] in used]
            for k, tok in zip(token_slots, in_source_order, strict=True):
                fills[k] = tok  # a token sits where tokens sat, in the order it was read
        out: list[str] = []
        pos = 0
        for slot, fill in zip(slots, fills, strict=True):
            out.append(pair.template[pos:slot.start()])
            out.append(fill)
            pos = slot.end()
        out.append(pair.template[pos:])
        text = re.sub(r" {2,}", " ", "".join(out)).strip()
        text = re.sub(r" ([,.;:!?])", r"\1", text)
        if self.mode in ("mangle", "drop"):
            found = TOKEN.findall(text)
            if self.mode == "drop" and found:
                text = text.replace(found[-1], "", 1)
            text = TOKEN.sub(lambda m: " ".join(m.group().lower()[i:i + 3] for i in range(0, len(m.group()), 3)), text)
        return text


def _rebuild(source: str, injected: list[tuple[str, int, int]]) -> str:
    """The source with each injected stretch replaced by what was injected (to align the remaining tokens)."""
    out, pos = [], 0
    for words, start, end in injected:
        out += [source[pos:start], words]
        pos = end
    out.append(source[pos:])
    return "".join(out)


def _map_back(tokens: list[tuple[str, int, int]], source: str, injected: list[tuple[str, int, int]]
              ) -> list[tuple[str, int, int]]:
    """Offsets in the rebuilt text back to offsets in the source."""
    shifts: list[tuple[int, int]] = []  # (rebuilt position, delta)
    delta = 0
    for words, start, end in injected:
        delta += len(words) - (end - start)
        shifts.append((start + delta, delta))
    out = []
    for tok, s, e in tokens:
        d = 0
        for at, dl in shifts:
            if s >= at:
                d = dl
        out.append((tok, s - d, e - d))
    return out


def expected_template_text(pair: Pair) -> str:
    """What an engine writes for the unmasked source: the template with the engine's own renderings."""
    return re.sub(r" ([,.;:!?])", r"\1", re.sub(r" {2,}", " ", _SLOT.sub(lambda m: m.group(2), pair.template))).strip()
