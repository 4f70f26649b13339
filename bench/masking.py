"""Which masking lets an engine reorder: `python -m bench.masking` prints, per strategy and engine mode,
the share of golden paragraphs that come out as the desk would sign them and the articles held.

Strategies: `tokens` (one opaque token per term), `merge` (adjacent terms as one unit in target
order, the default), `inject` (target terms written as text for the engine to place). The engine
is the scripted LibreTranslate-protocol server of the golden tests; its inject alignment is
word-level, so the inject figure is a lower bound.
"""

from __future__ import annotations

from glossary import load_glossary
from tests.golden.stories import ALL
from tests.integration.test_golden_articles import localize
from tests.support.mt_servers import MTServer


def main() -> None:
    house = load_glossary()
    print(f"{'masking':8} {'engine':8} {'paragraphs right':>17} {'held':>5}")
    with MTServer() as server:
        for masking in ("tokens", "merge", "inject"):
            for mode in ("clean", "reorder", "mangle"):
                right = total = held = 0
                for g in ALL:
                    article = localize(server, house, g, mode, masking)
                    got = [article.headline, *(b.text for b in article.body)]
                    want = [g.headline.expected, *(p.expected for p in g.body)]
                    right += sum(a == b for a, b in zip(got, want, strict=True))
                    total += len(want)
                    held += article.review.value != "ok"
                print(f"{masking:8} {mode:8} {right:>8}/{total:<3} ({right / total:4.0%}) {held:>5}")


if __name__ == "__main__":
    main()
