"""Indonesian affixes: a real stemmer (Sastrawi) finds "milyaran", "diijinkan", "menganalisa" from their roots."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary  # type: ignore[import-untyped]
from Sastrawi.Stemmer.Stemmer import Stemmer  # type: ignore[import-untyped]
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory  # type: ignore[import-untyped]

_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_LOCK = threading.Lock()
MEMO_WORDS = 50_000  # distinct words whose verdict is remembered per root set (then forgotten, not grown)


class Morphology:
    """A stemmer whose dictionary also knows the misspelt roots the house forbids, so their affixed forms stem.

    Sastrawi only strips affixes down to a word its dictionary holds; "milyar" is not a KBBI word,
    so "milyaran" would stay whole unless the forbidden roots are added.
    """

    def __init__(self, extra_roots: Iterable[str] = ()) -> None:
        words = StemmerFactory().get_words()
        self.roots = {r.casefold() for r in extra_roots if r.strip() and " " not in r.strip()}
        self._stemmer = Stemmer(ArrayDictionary([*words, *sorted(self.roots)]))
        self._memo: dict[str, str] = {}
        self._tables: dict[frozenset[str], tuple[re.Pattern[str] | None, dict[str, str | None]]] = {}

    def stem(self, word: str) -> str:
        key = word.casefold()
        found = self._memo.get(key)
        if found is None:
            with _LOCK:  # Sastrawi keeps per-call state on the stemmer
                found = str(self._stemmer.stem(key))
            self._memo[key] = found
        return found

    def forbidden_forms(self, text: str, roots: dict[str, str]) -> list[tuple[str, str]]:
        """(word, forbidden root) for each affixed form of a forbidden root in `text`; exact forms are not repeated."""
        out: list[tuple[str, str]] = []
        probe, verdicts = self._table(roots)
        if probe is None:
            return out
        for m in _WORD.finditer(text):
            word = m.group().casefold()
            try:
                root = verdicts[word]
            except KeyError:  # once per distinct word: copy repeats its vocabulary story after story
                root = None
                if word not in roots and probe.search(word) is not None:  # whole forms are the matcher's
                    stem = self.stem(word)
                    root = stem if stem in roots and stem != word else None
                if len(verdicts) >= MEMO_WORDS:
                    verdicts.clear()  # another thread may clear it too: the verdict read is the local one
                verdicts[word] = root
            if root is not None:
                out.append((m.group(), root))
        return out

    def _table(self, roots: dict[str, str]) -> tuple[re.Pattern[str] | None, dict[str, str | None]]:
        """For one root set: a pattern for every root and its meN- form ("analisa" / "nalisa"), and the word memo."""
        key = frozenset(roots)
        if key not in self._tables:
            # meN- drops an initial p/t/k/s: "menganalisa" keeps the root without its first letter
            parts = sorted({p for r in roots for p in (r, r[1:]) if len(p) >= 3}, key=len, reverse=True)
            self._tables[key] = (re.compile("|".join(map(re.escape, parts))) if parts else None, {})
        return self._tables[key]

    def affixed(self, word: str, term: str) -> bool:
        """The term with affixes around it ("di-AI-kan", "rintisannya"): it holds the term and shares its root."""
        w, t = word.casefold(), term.casefold()
        return w != t and t in w and self.stem(w) == self.stem(t)
