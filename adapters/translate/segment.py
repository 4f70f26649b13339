"""Cut texts under an engine's size limit and pack them into as few requests as possible."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Sentence ends: terminal punctuation, optional closing quotes/brackets, then whitespace.
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019\u00bb)\]]*\s+")
_SPACE = re.compile(r"\s+")

# Paragraphs travel together joined by a blank line; engines keep blank lines between paragraphs.
JOIN = "\n\n"
_SPLIT_JOINED = re.compile(r"\n[ \t\u00a0]*\n\s*")


@dataclass(frozen=True)
class Piece:
    """A part of one input text small enough for one request; `sep` is the text that followed it."""

    text_index: int
    text: str
    sep: str


def _hard_cut(text: str, limit: int) -> list[tuple[str, str]]:
    """Last resort for a sentence over the limit: cut at spaces, or mid-word if one word is too long."""
    out: list[tuple[str, str]] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            out.append((rest[:limit], ""))
            rest = rest[limit:]
        else:
            out.append((rest[:cut], " "))
            rest = rest[cut + 1 :]
    out.append((rest, ""))
    return out


def split_text(text: str, limit: int) -> list[tuple[str, str]]:
    """(piece, separator) pairs whose concatenation is `text`, each piece at most `limit` chars."""
    if len(text) <= limit:
        return [(text, "")]
    sentences: list[tuple[str, str]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        ws = len(m.group()) - len(m.group().rstrip())
        sentences.append((text[start : m.end() - ws], text[m.end() - ws : m.end()]))
        start = m.end()
    if start < len(text):
        sentences.append((text[start:], ""))
    # Greedily merge sentences back together while they fit.
    merged: list[tuple[str, str]] = []
    for sent, sep in sentences:
        if merged and len(merged[-1][0]) + len(merged[-1][1]) + len(sent) <= limit:
            prev, prev_sep = merged[-1]
            merged[-1] = (prev + prev_sep + sent, sep)
        else:
            merged.append((sent, sep))
    out: list[tuple[str, str]] = []
    for piece, sep in merged:
        if len(piece) <= limit:
            out.append((piece, sep))
        else:
            cuts = _hard_cut(piece, limit)
            cuts[-1] = (cuts[-1][0], sep)
            out.extend(cuts)
    return out


def pieces_for(texts: Sequence[str], limit: int) -> list[Piece]:
    """Every non-blank text as one or more pieces under `limit`, in order."""
    out: list[Piece] = []
    for i, text in enumerate(texts):
        if not text.strip():
            continue
        for piece, sep in split_text(text, limit):
            out.append(Piece(i, piece, sep))
    return out


def pack(pieces: Sequence[Piece], limit: int, max_items: int, joinable: bool = True) -> list[list[Piece]]:
    """Group pieces so each group fits in one request (`limit` chars incl. joins, `max_items` items)."""
    groups: list[list[Piece]] = []
    size = 0
    last_alone = False
    for p in pieces:
        # A piece that itself holds a blank line cannot be told apart after joining: send it alone.
        alone = joinable and holds_blank_line(p.text)
        extra = len(p.text) + (len(JOIN) if joinable else 0)
        if groups and not alone and not last_alone and size + extra <= limit and len(groups[-1]) < max_items:
            groups[-1].append(p)
            size += extra
        else:
            groups.append([p])
            size = len(p.text)
            last_alone = alone
    return groups


def holds_blank_line(text: str) -> bool:
    """Such a text, joined with others, could not be told apart in the answer: it travels alone."""
    return _SPLIT_JOINED.search(text) is not None


def join(texts: Sequence[str]) -> str:
    return JOIN.join(t.strip() for t in texts)


def split_joined(text: str) -> list[str]:
    """Paragraphs of an engine's answer to a joined request."""
    return [p.strip() for p in _SPLIT_JOINED.split(text.strip())]


def reassemble(texts: Sequence[str], pieces: Sequence[Piece], outputs: Sequence[str]) -> list[str]:
    """Put translated pieces back into their texts; blank texts come back untouched."""
    result = list(texts)
    built: dict[int, list[str]] = {}
    for piece, out in zip(pieces, outputs, strict=True):
        parts = built.setdefault(piece.text_index, [])
        parts.append(out.strip() + (piece.sep if piece.sep else ""))
    for i, parts in built.items():
        result[i] = "".join(parts).rstrip() if parts else texts[i]
    return result


def normalize_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()
