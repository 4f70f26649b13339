"""The one table of words partners read around the story (credit labels, notices), per target language."""

from __future__ import annotations

from typing import Final

from newsroom.languages import canonical

_LABELS: Final[dict[str, dict[str, str]]] = {
    "id": {
        "photo": "Foto",
        "author": "Penulis",
        "editor": "Redaktur",
        "translator": "Penerjemah",
        "photographer": "Foto",
        "agency": "Sumber",
        "killed": "Berita ini telah dibatalkan oleh sumbernya dan tidak boleh digunakan.",
        "withheld": "Berita ini ditahan sementara dan belum boleh diterbitkan.",
        "dry_run": "UJI COBA - TEKS INI BELUM DITERJEMAHKAN. Jangan diterbitkan.",
        "reason": "Alasan",
        "embargo": "EMBARGO: tidak boleh diterbitkan sebelum",
        "mt_notice": "Artikel ini diterjemahkan dengan bantuan mesin penerjemah",
        "desk": "Meja Redaksi",
    },
    "en": {
        "photo": "Photo",
        "author": "Writer",
        "editor": "Editor",
        "translator": "Translator",
        "photographer": "Photo",
        "agency": "Source",
        "killed": "This story has been withdrawn by its source and must not be used.",
        "withheld": "This story is withheld and must not be published yet.",
        "dry_run": "DRY RUN - THIS TEXT IS NOT TRANSLATED. Do not publish.",
        "reason": "Reason",
        "embargo": "EMBARGO: not for publication before",
        "mt_notice": "This article was translated with the help of machine translation",
        "desk": "Desk",
    },
}

# English labels where a language has no entry of its own.
DEFAULT_LANGUAGE: Final = "en"


def primary_language(language: str) -> str:
    """`id-ID` and `ID` both mean Indonesian for labelling purposes."""
    return canonical(language) or ""


def label(language: str, key: str) -> str:
    """A label in the article's language, English when the language is not known."""
    table = _LABELS.get(primary_language(language), _LABELS[DEFAULT_LANGUAGE])
    return table.get(key, _LABELS[DEFAULT_LANGUAGE][key])


def credit_line(language: str, key: str, value: str) -> str:
    """`Penulis: AFP` / `Writer: AFP` — one closing credit line."""
    return f"{label(language, key)}: {value}"
