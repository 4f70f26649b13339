"""The naive baseline B1 compares against: a plain loop, one deep-translator call per paragraph, one put per story."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from bench.stories import Synthetic


def naive_loop(stories: Sequence[Synthetic], engine_url: str, s3: Any, bucket: str) -> float:
    """Seconds the loop took; no Prefect, no batching, no concurrency, no memory."""
    from deep_translator import LibreTranslator

    start = time.perf_counter()
    for story in stories:
        client = LibreTranslator(source="en", target="id", api_key="unused", custom_url=engine_url)
        texts = [client.translate(t) for t in (story.headline, *story.paragraphs)]
        body = json.dumps({"id": story.item_id, "headline": texts[0], "body": texts[1:]}, ensure_ascii=False)
        s3.put_object(Bucket=bucket, Key=f"naive/{story.item_id}.json", Body=body.encode(),
                      ContentType="application/json")
    return time.perf_counter() - start
