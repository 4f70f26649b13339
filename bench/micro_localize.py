"""CPU cost of `localize_story` alone (no engine, no I/O): `python -m bench.micro_localize`."""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from adapters.wire import parse_wire
from bench.stories import make_story
from glossary import Glossary, load_glossary
from newsroom.model import Block, LocalizedArticle, Story
from services.pipeline import LocalizeOptions, localize_story

NOW = datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
SEED_ID = Path(__file__).resolve().parents[2] / "shared" / "examples" / "seed-article-id.txt"  # ../shared
_TOKEN = re.compile(r"ZX\d+Q")

# Extra sentences so ID stories carry the conventions an Indonesian wire story does.
_ID_EXTRA = [
    "Pemerintah mengumumkan anggaran sebesar Rp 5.250 miliar pada Senin (4/3) lalu.",
    "Harga naik 3,5 persen menjadi 1.250,75 dolar AS per ton pada 12 Maret 2024.",
    "Rapat dimulai pukul 10.30 WIB dan berakhir pukul 14.00 WIB, kata juru bicara.",
    "Inflasi turun 0,4 poin persentase, sementara utang mencapai 2,5 triliun rupiah.",
    "Pada hari Jumat (1/3), Dewan Keamanan PBB bertemu di Gedung Putih bersama Presiden.",
]
# Extra English sentences for coverage of times, dates and currencies (golden runs only).
_EN_EXTRA = [
    "The talks began at 3:00 pm (0800 GMT) on Nov 20, 2023 and ended at 0100 GMT on Tuesday.",
    "Last Monday the central bank said inflation rose 1.5 percentage points to 4.2% in March.",
    "The White House said the Security Council would meet next Wednesday in New York.",
    "Investors lost US$2.5 billion, €1,250.75 and 3 billion US dollars, told AFP a spokesman.",
    "About 1,234,567.89 tonnes of rice and 5.08 million people were affected on 17 August 2023.",
]


@dataclass(frozen=True)
class FakeResult:
    """What a translation port returns, without an engine."""

    texts: list[str]
    engine: str = "fake"
    characters_sent: int = 0


def identity(texts: Sequence[str], source: str, target: str) -> FakeResult:
    """An engine that hands masked text back untouched (all tokens intact)."""
    return FakeResult(list(texts), characters_sent=sum(len(t) for t in texts))


def mangling(texts: Sequence[str], source: str, target: str) -> FakeResult:
    """An engine that lowercases, splits, drops and duplicates some tokens, deterministically."""
    count = 0

    def one(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        tok = m.group()
        if count % 11 == 0:
            return f"{tok} {tok}"
        if count % 7 == 0:
            return ""
        if count % 5 == 0:
            return tok[:2] + " " + tok[2:]
        if count % 3 == 0:
            return tok.lower()
        return tok

    return FakeResult([_TOKEN.sub(one, t).replace(" the ", " the  ") for t in texts])


def en_stories(count: int, *, rich: bool = False) -> list[Story]:
    """AFP-size English stories from the bench generator; `rich` appends convention-heavy sentences."""
    out: list[Story] = []
    for i in range(count):
        story = parse_wire(make_story(i).xml, f"bench-{i}.xml")[0]
        if rich:
            extra = Block(text=" ".join(random.Random(i).sample(_EN_EXTRA, 3)))
            story = story.model_copy(update={"body": (*story.body, extra)})
        out.append(story)
    return out


def id_stories(count: int) -> list[Story]:
    """Indonesian stories: the seed article, its paragraphs rotated and salted with convention sentences."""
    seed = parse_wire(SEED_ID.read_bytes(), SEED_ID.name)[0]
    out: list[Story] = []
    for i in range(count):
        rng = random.Random(f"kawat-id-{i}")
        body = list(seed.body[i % len(seed.body):] + seed.body[: i % len(seed.body)])[:14]
        for text in rng.sample(_ID_EXTRA, 3):
            body.insert(rng.randrange(len(body) + 1), Block(text=text))
        out.append(seed.model_copy(update={"story_id": f"{seed.story_id}-{i}", "body": tuple(body)}))
    return out


def id_mixed_stories(count: int) -> list[Story]:
    """Indonesian stories of ~12 paragraphs whose sentences are reshuffled per story, so no paragraph repeats."""
    seed = parse_wire(SEED_ID.read_bytes(), SEED_ID.name)[0]
    sentences = [s for b in seed.body for s in re.split(r"(?<=[.!?\"])\s+", b.text) if len(s) > 20] + _ID_EXTRA
    out: list[Story] = []
    for i in range(count):
        rng = random.Random(f"kawat-id-mixed-{i}")
        body = tuple(Block(text=" ".join(rng.sample(sentences, 3))) for _ in range(12))
        out.append(seed.model_copy(update={"story_id": f"{seed.story_id}-m{i}", "body": body}))
    return out


def run(story: Story, target: str, glossary: Glossary, translate: Callable[..., FakeResult] = identity,
        tz: str | None = None) -> LocalizedArticle:
    """One localize_story call as the flows make it, minus the engine and the language check."""
    return localize_story(story, source=story.language, target=target, glossary=glossary, translate=translate,
                          check_language=None, now=NOW, options=LocalizeOptions(timezone=tz))


def measure(stories: Sequence[Story], target: str, glossary: Glossary, rounds: int) -> float:
    """Best-of-`rounds` CPU milliseconds per story (process time: the GIL-bound cost)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for story in stories:
            run(story, target, glossary)
        best = min(best, time.process_time() - start)
    return 1000 * best / len(stories)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.micro_localize", description=__doc__)
    p.add_argument("--stories", type=int, default=30)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--profile", action="store_true", help="cProfile one round and print the top functions")
    args = p.parse_args(argv)
    glossary = load_glossary()
    sets = {"en->id (AFP)": (en_stories(args.stories), "id")}
    if SEED_ID.exists():
        sets["id->en (mixed)"] = (id_mixed_stories(args.stories), "en")
    else:
        print(f"(no {SEED_ID}: Indonesian stories skipped)")
    for stories, target in sets.values():  # warm caches and lazy matchers, as a running worker has
        run(stories[0], target, glossary)
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        for stories, target in sets.values():
            for story in stories:
                run(story, target, glossary)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
        return 0
    for name, (stories, target) in sets.items():
        chars = sum(len(s.headline) + sum(len(b.text) for b in s.body) for s in stories) / len(stories)
        ms = measure(stories, target, glossary, args.rounds)
        print(f"{name:16s} {ms:7.2f} ms/story  ({len(stories)} stories, ~{chars:,.0f} chars)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
