"""The run summary prints agency text and file names as they are, whatever brackets they hold."""

from __future__ import annotations

import io

from rich.console import Console

from flows.terminal import summary_table


def test_summary_prints_hostile_brackets_literally() -> None:
    rows = [{"story_id": "-", "partner": "-", "state": "quarantined",
             "detail": "drop/[/red]evil[bold].xml: not a wire file"},
            {"story_id": "afp.com-1-[x]", "partner": "p", "language": "id", "key": None, "state": "delivered"}]
    out = io.StringIO()
    Console(file=out, width=300, color_system=None).print(summary_table(rows))
    text = out.getvalue()
    assert "drop/[/red]evil[bold].xml: not a wire file" in text
    assert "afp.com-1-[x]" in text
