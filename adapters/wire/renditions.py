"""Picture renditions as partners receive them: one file name each, one entry per distinct file."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from newsroom.model import Rendition


def _segments(href: str) -> list[str]:
    text = href.strip().replace("\\", "/")
    if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I):
        text = urlsplit(text).path
    return [unquote(s).strip() for s in text.split("/") if s.strip() and s.strip() != "."]


def local_names(hrefs: list[str]) -> list[str]:
    """File names for the hrefs; names two different files share get their parent folders as a prefix.

    Business Wire sends four sizes as …/369395/2/00095.jpg, …/3/00095.jpg…: "2-00095.jpg", "3-00095.jpg".
    """
    parts = [_segments(h) or [h] for h in hrefs]
    names = [p[-1] for p in parts]
    depth = 1
    while depth < 6:
        owners: dict[str, set[str]] = {}
        for name, href in zip(names, hrefs, strict=True):
            owners.setdefault(name, set()).add(href.strip())
        clashes = {n for n, owner in owners.items() if len(owner) > 1}
        if not clashes:
            break
        depth += 1
        names = ["-".join(p[-depth:]) if n in clashes else n for p, n in zip(parts, names, strict=True)]
    return names


def finish_renditions(found: list[tuple[str, Rendition]]) -> tuple[Rendition, ...]:
    """(original href, rendition) pairs → renditions with unique file names; one file named twice is kept once.

    When several roles point at the very same file, the entry with the largest stated size stays.
    """
    by_href: dict[str, tuple[str, Rendition]] = {}
    order: list[str] = []
    for href, rendition in found:
        key = href.strip()
        if key not in by_href:
            order.append(key)
            by_href[key] = (href, rendition)
            continue
        kept = by_href[key][1]
        if (rendition.size_bytes or rendition.width or 0) > (kept.size_bytes or kept.width or 0):
            by_href[key] = (href, rendition)
    names = local_names(order)
    out: list[Rendition] = []
    for key, name in zip(order, names, strict=True):
        rendition = by_href[key][1]
        role = rendition.role
        if any(r.role == role for r in out):
            role = f"{role}{len(out) + 1}"
        out.append(rendition.model_copy(update={"href": name, "role": role}))
    return tuple(out)
