"""Partner editions of a LocalizedArticle: ninjs 2.2 JSON, an HTML page and house-style text."""

from newsroom.render.html_doc import html_body, to_html
from newsroom.render.ninjs_doc import ninjs_datetime, to_ninjs, tombstone_ninjs
from newsroom.render.plain_text import plain_body, to_text

__all__ = ["html_body", "ninjs_datetime", "plain_body", "to_html", "to_ninjs", "to_text", "tombstone_ninjs"]
