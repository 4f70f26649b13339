"""Kawat's term base: load, exchange (CSV/TBX), lint, find, mask and verify glossary terms."""

from glossary.entries import Entry, Glossary, affected_by_change, lang_code
from glossary.io import GlossaryFormatError, load_glossary, read_csv, read_tbx, write_csv, write_tbx
from glossary.lint import Finding, has_errors, lint
from glossary.mask import Masked, Restored, Slot, protect, restore
from glossary.verify import verify

__all__ = [
    "Entry", "Finding", "Glossary", "GlossaryFormatError", "Masked", "Restored", "Slot",
    "affected_by_change", "has_errors", "lang_code", "lint", "load_glossary", "protect", "read_csv",
    "read_tbx", "restore", "verify", "write_csv", "write_tbx",
]
