"""Inbox memory bound: peak RSS of `kawat inspect` and `kawat run` on a 250,000-paragraph file vs its size.

    .venv/bin/python -m bench.inbox_memory [--paragraphs 250000]

The target (issue #13): peak RSS stays under 10x the input size plus a fixed base, where the base is
the same command's peak on one ordinary story. Each command runs in its own process and its peak is
read with wait4, so nothing of this process counts. A figure, never a test assertion.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KAWAT = REPO / ".venv" / "bin" / "kawat"

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<NewsML Version="1.2">
  <NewsEnvelope><DateAndTime>20240305T080000Z</DateAndTime></NewsEnvelope>
  <NewsItem xml:lang="en">
    <Identification><NewsIdentifier>
      <ProviderId>afp.com</ProviderId><DateId>20240305</DateId><NewsItemId>{item}</NewsItemId>
      <RevisionId PreviousRevision="0" Update="N">1</RevisionId>
    </NewsIdentifier></Identification>
    <NewsManagement>
      <NewsItemType FormalName="News"/>
      <FirstCreated>20240305T080000Z</FirstCreated><ThisRevisionCreated>20240305T080000Z</ThisRevisionCreated>
      <Status FormalName="Usable"/>
    </NewsManagement>
    <NewsComponent>
      <NewsLines><HeadLine>{headline}</HeadLine><DateLine>Jakarta, March 5, 2024 (AFP) -</DateLine></NewsLines>
      <DescriptiveMetadata><Language FormalName="en"/></DescriptiveMetadata>
      <NewsComponent Duid="text">
        <ContentItem>
          <MediaType FormalName="Text"/><Format FormalName="bcNITF2.5"/>
          <DataContent>
"""
_TAIL = """          </DataContent>
        </ContentItem>
      </NewsComponent>
    </NewsComponent>
  </NewsItem>
</NewsML>
"""


def paragraph_flood(paragraphs: int = 250_000, item: str = "TX-FLOOD-1") -> bytes:
    """One NewsML 1.2 story of `paragraphs` tiny paragraphs: ~20 bytes each, under the 5 MiB file cap."""
    head = _HEAD.format(item=item, headline="Rain falls on the city")
    return (head + "<p>Rain again.</p>\n" * paragraphs + _TAIL).encode()


def ordinary_story(item: str = "TX-ORDINARY-1") -> bytes:
    """A normal-sized story: the fixed base every command pays anyway."""
    head = _HEAD.format(item=item, headline="Flood defences approved for the capital")
    para = ("<p>The city council approved new flood defences for the northern districts on Tuesday, "
            "after weeks of debate about their cost and the homes that must make way for them.</p>\n")
    return (head + para * 12 + _TAIL).encode()


def long_story(paragraphs: int = 2000, item: str = "TX-LONG-1") -> bytes:
    """The largest story the default caps accept: 2,000 paragraphs of ~2,300 characters (~4.5 MB)."""
    head = _HEAD.format(item=item, headline="A very long report")
    para = "<p>" + "Rain fell on the northern districts again today, officials said. " * 35 + "</p>\n"
    return (head + para * paragraphs + _TAIL).encode()


def _peak_kb(cmd: list[str], env: dict[str, str]) -> tuple[int, int]:
    """(exit code, peak RSS in KiB) of one command in its own process."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, int(usage.ru_maxrss)


def _run_config(root: Path, inbox: Path) -> Path:
    cfg = root / f"kawat-{inbox.name}.toml"
    cfg.write_text(f'[kawat]\nengine = "dry-run"\nallow_dry_run = true\ndata_dir = "{root / ("state-" + inbox.name)}"\n'
                   f'\n[[sources]]\nname = "drop"\nkind = "folder"\npath = "{inbox}"\n')
    return cfg


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--paragraphs", type=int, default=250_000)
    args = p.parse_args(argv)
    env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    with tempfile.TemporaryDirectory(prefix="kawat-inbox-mem-") as tmp:
        root = Path(tmp)
        env["PREFECT_HOME"] = str(root / "prefect-home")
        base = root / "ordinary.xml"
        base.write_bytes(ordinary_story())
        inputs = {"flood.xml": paragraph_flood(args.paragraphs), "long.xml": long_story()}
        for name, data in inputs.items():
            (root / name).write_bytes(data)
        _, inspect_base = _peak_kb([str(KAWAT), "inspect", str(base)], env)
        run_base = _run_peak(root, "base", [base], env)
        rows = []
        for name in inputs:
            path = root / name
            code, peak = _peak_kb([str(KAWAT), "inspect", str(path)], env)
            rows.append((name, "kawat inspect", path.stat().st_size / 1024, inspect_base, peak, code))
            peak = _run_peak(root, name.split(".")[0], [base, path], env)
            rows.append((name, "kawat run", path.stat().st_size / 1024, run_base, peak, 0))
    print(f"flood.xml: {args.paragraphs} one-line paragraphs (refused by max_markup_nodes); "
          "long.xml: the longest story the default caps accept")
    print(f"{'input':<10} {'command':<14} {'input MiB':>9} {'base MiB':>9} {'peak MiB':>9} {'extra/input':>12} "
          f"{'limit MiB':>10} {'exit':>5}  verdict")
    worst = 0.0
    for name, cmd, size_kb, base_kb, peak_kb, code in rows:
        ratio = max(0, peak_kb - base_kb) / size_kb
        limit = 10 * size_kb + base_kb
        if name == "flood.xml":
            worst = max(worst, ratio)
        verdict = "PASS" if peak_kb < limit else "FAIL"  # the bound holds for refused and accepted copy alike
        print(f"{name:<10} {cmd:<14} {size_kb / 1024:>9.2f} {base_kb / 1024:>9.1f} {peak_kb / 1024:>9.1f} "
              f"{ratio:>11.2f}x {limit / 1024:>10.1f} {code:>5}  {verdict}")
    print(f"250k-paragraph file: peak RSS above the fixed base is {worst:.2f}x its size (target < 10x)")
    return 0


def _run_peak(root: Path, name: str, files: list[Path], env: dict[str, str]) -> int:
    """Peak RSS of one `kawat run` (dry-run engine, no partners) over an inbox holding `files`."""
    inbox = root / f"inbox-{name}"
    inbox.mkdir()
    for f in files:
        (inbox / f.name).write_bytes(f.read_bytes())
    _code, peak = _peak_kb([str(KAWAT), "run", "--config", str(_run_config(root, inbox))], env)
    return peak


if __name__ == "__main__":
    sys.exit(main())
