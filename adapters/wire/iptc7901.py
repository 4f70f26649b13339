"""IPTC 7901 text transmissions (dpa's and other agencies' plain wire): the article between STX and ETX.

A transmission is a header line (service code, priority, category, word count, agency), a keyword
line, then — after STX — the headline ending in " =", indented paragraphs, the agency's desk codes,
and often a notebook "not for publication" (contacts, reporters) before ETX and the sending time.
The notebook and everything after it never reaches a partner.
"""

from __future__ import annotations

import re

from adapters.errors import WireError
from adapters.wire.assemble import build_story, sane_id
from adapters.wire.base import refuse_nul
from adapters.wire.plain import decode_text, guess_language, headline_key
from adapters.wire.text import clean, finish_blocks, split_dateline_prefix, split_indented
from newsroom.agencies import provider_for
from newsroom.model import Block, BlockRole, Credit, CreditRole, Story

SOH, STX, ETX = "\x01", "\x02", "\x03"
# Where the copy ends: the notebook heading or its "not for publication" line, whichever comes first.
_NOTEBOOK = re.compile(r"^\s*(?:#+\s*)?(?:\w+\s+)?NOTEBOOK\b|not for publication", re.I | re.M)
_HEADLINE_END = re.compile(r"\s*=\s*$")


class Iptc7901Parser:
    """One story per transmission; refuses, naming the reason, when no headline or no copy is left."""

    format = "iptc7901"

    def parse(self, data: bytes, source: str) -> list[Story]:
        refuse_nul(data, source)
        text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
        header_part, sep, rest = text.partition(STX)
        if not sep:  # control characters stripped on the way: the header is the first line, the keyword line the next
            header_part, _, rest = text.lstrip(SOH + "\n ").partition("\n")
        header = header_part.lstrip(SOH + "\n ").split("\n", 1)[0]
        copy = rest.split(ETX, 1)[0]
        notebook = _NOTEBOOK.search(copy)
        if notebook:
            copy = copy[: notebook.start()]
        lines = copy.strip("\n").split("\n")
        # The headline is the first line ending in " =" (the keyword line may come before it when STX was lost).
        at = next((i for i, line in enumerate(lines[:4]) if _HEADLINE_END.search(line)), None)
        if at is None:
            raise WireError(source, "IPTC 7901 transmission with no headline (a 7901 headline ends in ' =')")
        headline = clean(_HEADLINE_END.sub("", lines[at]))
        if not headline:
            raise WireError(source, "IPTC 7901 transmission with an empty headline")
        chunks = [c for c in re.split(r"\n\s*\n", "\n".join(lines[at + 1:])) if c.strip()]
        # A paragraph is hard-wrapped between blank lines; an indent may also start one inside a chunk.
        body = [Block(role=BlockRole.paragraph, text=t) for chunk in chunks for part in split_indented(chunk)
                if (t := clean(part))]
        dateline = None
        if body:
            lead, first = split_dateline_prefix(body[0].text)
            if lead is not None and first:
                dateline, body[0] = lead, Block(role=BlockRole.paragraph, text=first)
        blocks = finish_blocks(body)
        if not blocks:
            raise WireError(source, "IPTC 7901 transmission with a headline but no copy")
        agency, provider = next(((t, p) for t in header.split() if (p := provider_for(t))), (None, None))
        credits = (Credit(role=CreditRole.agency, name=agency, organisation=agency),) if agency else ()
        whole = "\n".join(b.text for b in blocks)
        return [build_story(
            source, provider=sane_id(provider or "wire", source, "provider"), date_id="undated", item_id=headline_key(headline),
            version=1, language=guess_language(headline + "\n" + whole), headline=headline, dateline=dateline,
            body=blocks, credit_line=agency, credits=credits, source_format="iptc7901",
        )]
