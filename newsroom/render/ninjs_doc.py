"""The ninjs 2.2 edition: every provenance fact in a standard field (the schema forbids extras)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from newsroom.model import CreditRole, LocalizedArticle, Picture, Provenance, Status, Subject, safe_id
from newsroom.ninjs_schema import NINJS_VERSION, SCHEMA_ID
from newsroom.render.html_doc import html_body
from newsroom.render.layout import (
    authors,
    body_parts,
    caption,
    clean,
    credited_agency,
    dateline_city,
    file_name,
    names,
    picture_credit,
    rendition_href,
)
from newsroom.render.plain_text import plain_body
from newsroom.times import iso

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://\S+$")
_SUBJECT_CODE = re.compile(r"^(?:(subj|subject|subjectcode|iptc)[:/])?(\d{8})$", re.IGNORECASE)
_MEDIA_TOPIC = re.compile(r"^(?:medtop|mediatopic)[:/](\d{8})$", re.IGNORECASE)

STANDARD = {"name": "ninjs", "version": NINJS_VERSION, "schema": SCHEMA_ID}


ninjs_datetime = iso  # one spelling of time everywhere Kawat writes it (newsroom.times)


def _check_uri(uri: str) -> str:
    """Partners key their copy on `uri`: refuse anything that is not an absolute URI."""
    if not isinstance(uri, str) or not _SCHEME.match(uri):
        raise ValueError(f"ninjs uri must be an absolute URI without spaces, got {uri!r}")
    return uri


def _subject(subject: Subject) -> dict[str, Any]:
    code = clean(subject.code)
    out: dict[str, Any] = {}
    if clean(subject.name):
        out["name"] = clean(subject.name)
    out["rel"] = "about"
    if _URL.match(code):
        out["uri"] = code
    elif m := _SUBJECT_CODE.match(code):
        out["uri"] = f"http://cv.iptc.org/newscodes/subjectcode/{m.group(2)}"
    elif m := _MEDIA_TOPIC.match(code):
        out["uri"] = f"http://cv.iptc.org/newscodes/mediatopic/{m.group(1)}"
    if code:
        out["literal"] = code
    return out


def _subjects(article: LocalizedArticle) -> list[dict[str, Any]]:
    """IPTC subjects, then keywords (ninjs 2.2 has no `keywords`; they ride as rel=keyword)."""
    out = [s for s in (_subject(x) for x in article.subjects) if len(s) > 1]
    seen: set[str] = set()
    for keyword in article.keywords:
        word = clean(keyword)
        if word and word.casefold() not in seen:
            seen.add(word.casefold())
            out.append({"name": word, "rel": "keyword"})
    return out


def _altids(
    story_id: str, article: LocalizedArticle | None, provenance: Provenance | None
) -> list[dict[str, str]]:
    """Provenance as role/value pairs: the one ninjs place for ids that are not the uri."""
    pairs: list[tuple[str, str | None]] = [("story-id", story_id)]
    if provenance is not None:
        pairs += [
            ("source-uri", provenance.source_uri),
            ("source-version", str(provenance.source_version)),
            ("source-language", provenance.source_language),
            ("engine", provenance.engine),
            ("glossary-version", provenance.glossary_version),
            ("translated-at", ninjs_datetime(provenance.translated_at)),
            ("machine-translated", str(provenance.machine_translated and not provenance.dry_run).lower()),
            ("dry-run", "true" if provenance.dry_run else None),
        ]
    if article is not None:
        pairs += [
            ("signal", article.signal.value),
            ("review", article.review.value),
            ("qa", "passed" if article.qa.passed else "failed"),
        ]
    return [{"role": role, "value": value} for role, value in pairs if value]


def _ednote(article: LocalizedArticle) -> str:
    """Staff-only notes: never let untranslated or machine-made copy pass unannounced."""
    prov = article.provenance
    notes = [clean(article.ednote)] if clean(article.ednote) else []
    if article.status == Status.withheld:
        notes.append("WITHHELD: do not publish until a release is sent.")
    if prov.dry_run:
        notes.append(
            f"DRY RUN: this text is NOT translated - it is the {prov.source_language} original "
            f"passed through unchanged, labelled {article.language}. Do not publish."
        )
    elif prov.machine_translated:
        glossary = f" with glossary {prov.glossary_version}" if prov.glossary_version else ""
        notes.append(
            f"Machine translated from {prov.source_language} to {article.language} "
            f"by {prov.engine}{glossary}."
        )
    if article.review.value != "ok":
        notes.append(f"Editorial review state: {article.review.value}.")
    return " ".join(notes)


def _infosources(article: LocalizedArticle, outlet: str | None) -> list[dict[str, str]]:
    """Who supplied (agency), who translated (engine, people) and who distributes (outlet)."""
    out: list[dict[str, str]] = []
    agency = credited_agency(article)
    if agency:
        out.append({"name": agency, "role": "source"})
    prov = article.provenance
    if prov.machine_translated and not prov.dry_run and clean(prov.engine):
        out.append({"name": clean(prov.engine), "role": "translator", "literal": "machine-translation"})
    out.extend({"name": name, "role": "translator"} for name in names(article, CreditRole.translator))
    out.extend({"name": name, "role": "editor"} for name in names(article, CreditRole.editor))
    if clean(outlet):
        out.append({"name": clean(outlet), "role": "distributor"})
    return out


def _picture_keys(pictures: Sequence[Picture]) -> list[str]:
    """Path-safe, unique per article: association uris must never collide."""
    keys: list[str] = []
    for index, picture in enumerate(pictures, start=1):
        try:
            key = safe_id(picture.id)
        except ValueError:
            key = f"picture{index}"
        while key in keys:
            key = f"{key}-{index}"
        keys.append(key)
    return keys


def _association(
    article: LocalizedArticle,
    picture: Picture,
    key: str,
    uri: str,
    picture_hrefs: Mapping[str, str] | None,
    photo_credit: Mapping[str, str] | None,
) -> dict[str, Any]:
    if uri.lower().startswith("urn:"):
        child_uri = f"{uri}:picture:{key}"
    else:
        child_uri = f"{uri.rstrip('/')}/pictures/{key}"
    out: dict[str, Any] = {
        "name": clean(picture.id) or key,
        "uri": child_uri,
        "type": "picture",
        "language": article.language,
        "pubstatus": article.status.value,
    }
    if clean(picture.headline):
        out["headlines"] = [{"role": "main", "value": clean(picture.headline)}]
    descriptions = []
    if caption(picture):
        descriptions.append({"role": "caption", "contenttype": "text/plain", "value": caption(picture)})
    credit_text = picture_credit(article, picture, photo_credit)
    if credit_text:
        descriptions.append({"role": "credit", "contenttype": "text/plain", "value": credit_text})
    if descriptions:
        out["descriptions"] = descriptions
    photographers = [clean(picture.byline)] if clean(picture.byline) else []
    photographers = photographers or names(article, CreditRole.photographer)
    if photographers:
        out["by"] = ", ".join(photographers)
    holder = clean(picture.credit) or credited_agency(article)
    if holder:
        out["copyrightholder"] = holder
    renditions = []
    for index, r in enumerate(picture.renditions):
        if picture_hrefs is not None and r.href not in picture_hrefs and file_name(r.href) not in picture_hrefs:
            continue  # a file that was not delivered: never link to it
        rendition: dict[str, Any] = {
            "name": clean(r.role) or f"rendition{index + 1}",
            "href": rendition_href(r.href, picture_hrefs),
            "contenttype": r.content_type,
        }
        if r.width:
            rendition["width"] = r.width
        if r.height:
            rendition["height"] = r.height
        if r.size_bytes is not None:
            rendition["sizeinbytes"] = r.size_bytes
        renditions.append(rendition)
    if renditions:
        out["renditions"] = renditions
    out["altids"] = [{"role": "picture-id", "value": picture.id}]
    return out


def _bodies(article: LocalizedArticle, credit_lines: Sequence[str]) -> list[dict[str, Any]]:
    words = " ".join(text for _, text in body_parts(article))
    counts = {"charcount": len(words), "wordcount": len(words.split())}
    out = []
    html = html_body(article, credit_lines)
    if html:
        out.append({"role": "richtext", "contenttype": "text/html", "value": html, **counts})
    plain = plain_body(article, credit_lines)
    if plain:
        out.append({"role": "main", "contenttype": "text/plain", "value": plain, **counts})
    return out


def tombstone_ninjs(
    story_id: str,
    language: str,
    version: int | str,
    *,
    uri: str,
    reason: str | None,
    when: datetime,
) -> dict[str, Any]:
    """The one kill notice format: same uri, a newer version (an edition label), canceled, no text at all."""
    note = "KILL: this story has been withdrawn by its source. Delete it and do not use it."
    if clean(reason):
        note += f" Reason: {clean(reason)}"
    return {
        "uri": _check_uri(uri),
        "standard": dict(STANDARD),
        "type": "text",
        "representationtype": "partial",
        "version": str(version),
        "versioncreated": ninjs_datetime(when),
        "pubstatus": Status.canceled.value,
        "language": language,
        "ednote": note,
        "altids": [{"role": "story-id", "value": story_id}, {"role": "signal", "value": "kill"}],
    }


def to_ninjs(
    article: LocalizedArticle,
    *,
    uri: str,
    credit_lines: Sequence[str] = (),
    picture_hrefs: Mapping[str, str] | None = None,
    photo_credit: Mapping[str, str] | None = None,
    located: str | None = None,
    outlet: str | None = None,
) -> dict[str, Any]:
    """The article as one ninjs 2.2 object; a canceled article becomes its tombstone."""
    _check_uri(uri)
    prov = article.provenance
    if article.status == Status.canceled:
        return tombstone_ninjs(
            article.story_id,
            article.language,
            article.version,
            uri=uri,
            reason=article.ednote,
            when=article.version_created or prov.translated_at,
        )
    doc: dict[str, Any] = {
        "uri": uri,
        "standard": dict(STANDARD),
        "type": "text",
        "representationtype": "full",
        "profile": "text-photo" if article.pictures else "text-only",
        "version": str(article.version),
        "versioncreated": ninjs_datetime(article.version_created or prov.translated_at),
        "pubstatus": article.status.value,
        "language": article.language,
        "headlines": [{"role": "main", "contenttype": "text/plain", "value": clean(article.headline)}],
    }
    if article.first_created:
        doc["firstcreated"] = ninjs_datetime(article.first_created)
    if article.embargoed:
        doc["embargoed"] = ninjs_datetime(article.embargoed)
    if article.urgency is not None:
        doc["urgency"] = article.urgency
    if clean(article.slugline):
        doc["slugline"] = clean(article.slugline)
    place = clean(located) or dateline_city(article.dateline)
    if place:
        doc["located"] = place
    writers = authors(article)
    if writers:
        doc["by"] = ", ".join(writers)
    holder = clean(article.copyright_holder) or credited_agency(article)
    if holder:
        doc["copyrightholder"] = holder
    if clean(article.copyright_notice):
        doc["copyrightnotice"] = clean(article.copyright_notice)
    if clean(article.usage_terms):
        doc["usageterms"] = clean(article.usage_terms)
    ednote = _ednote(article)
    if ednote:
        doc["ednote"] = ednote
    bodies = _bodies(article, credit_lines)
    if bodies:
        doc["bodies"] = bodies
    subjects = _subjects(article)
    if subjects:
        doc["subjects"] = subjects
    sources = _infosources(article, outlet)
    if sources:
        doc["infosources"] = sources
    doc["altids"] = _altids(article.story_id, article, prov)
    if article.pictures:
        doc["associations"] = [
            _association(article, p, key, uri, picture_hrefs, photo_credit)
            for p, key in zip(article.pictures, _picture_keys(article.pictures), strict=True)
        ]
    return doc


__all__ = ["ninjs_datetime", "to_ninjs", "tombstone_ninjs"]
