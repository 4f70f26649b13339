"""Synthetic AFP NewsML 1.2 stories for the fault-injection suite (distinct ids, varied English copy)."""

from __future__ import annotations

import random
from pathlib import Path
from xml.sax.saxutils import escape

from newsroom.model import story_key

PROVIDER = "afp.com"
DATE_ID = "20240305"

_SUBJECTS = ["The government", "Local officials", "Farmers in the region", "The port authority", "Aid workers",
             "Energy companies", "Opposition lawmakers", "Teachers' unions", "The central bank", "Fishermen"]
_VERBS = ["said they would review", "warned about delays in", "announced new funding for", "criticised the cost of",
          "called for an inquiry into", "agreed to expand", "postponed work on", "pledged to protect"]
_OBJECTS = ["the railway network", "rice production", "coastal flood defences", "the public hospitals",
            "solar power projects", "school meal programmes", "water supplies for the capital", "the old harbour"]
_TAILS = ["after weeks of talks with business leaders", "despite strong opposition from residents",
          "as prices kept rising across the country", "ahead of elections due later this year",
          "following heavy rain that flooded several districts", "in a move welcomed by most analysts"]
_CITIES = ["Jakarta", "Paris", "Geneva", "Nairobi", "Manila", "Bangkok", "Lima", "Cairo", "Hanoi", "Dakar"]


def item_id(tag: str, index: int) -> str:
    return f"res-{tag}-{index:04d}"


def story_id(tag: str, index: int) -> str:
    """The Kawat story id the pipeline derives for story `index` of batch `tag`."""
    return story_key(PROVIDER, DATE_ID, item_id(tag, index))


def _sentence(rng: random.Random) -> str:
    return (f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} "
            f"{rng.choice(_TAILS)}, officials told reporters on {rng.choice(['Monday', 'Tuesday', 'Friday'])}.")


def newsml(tag: str, index: int, *, paragraphs: int = 3, marker: str = "", seed: int = 0) -> bytes:
    """One usable English text item; `marker` is put into the headline (e.g. to poison an engine)."""
    rng = random.Random(f"{seed}-{tag}-{index}")
    city = rng.choice(_CITIES)
    iid = item_id(tag, index)
    headline = f"{city} plan number {index} draws debate {marker}".strip()
    paras = "".join(f"<p>{escape(' '.join(_sentence(rng) for _ in range(2)))}</p>" for _ in range(paragraphs))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<NewsML Version="1.2">
  <NewsEnvelope><DateAndTime>20240305T080000Z</DateAndTime></NewsEnvelope>
  <NewsItem xml:lang="en">
    <Identification><NewsIdentifier>
      <ProviderId>{PROVIDER}</ProviderId><DateId>{DATE_ID}</DateId><NewsItemId>{iid}</NewsItemId>
      <RevisionId PreviousRevision="0" Update="N">1</RevisionId>
      <PublicIdentifier>urn:newsml:{PROVIDER}:{DATE_ID}:{iid}:1</PublicIdentifier>
    </NewsIdentifier></Identification>
    <NewsManagement>
      <NewsItemType FormalName="News"/>
      <FirstCreated>20240305T080000Z</FirstCreated><ThisRevisionCreated>20240305T080000Z</ThisRevisionCreated>
      <Status FormalName="Usable"/><Urgency FormalName="4"/>
    </NewsManagement>
    <NewsComponent>
      <NewsLines>
        <HeadLine>{escape(headline)}</HeadLine>
        <DateLine>{city}, March 5, 2024 (AFP) -</DateLine>
        <CopyrightLine>© 2024 AFP</CopyrightLine>
      </NewsLines>
      <AdministrativeMetadata><Creator><Party FormalName="Resi Lience"/></Creator></AdministrativeMetadata>
      <DescriptiveMetadata><Language FormalName="en"/><Genre FormalName="Article"/></DescriptiveMetadata>
      <NewsComponent Duid="text">
        <Role FormalName="Main"/>
        <ContentItem>
          <MediaType FormalName="Text"/><Format FormalName="bcNITF2.5"/>
          <DataContent>{paras}<p>xx/yy</p></DataContent>
        </ContentItem>
      </NewsComponent>
    </NewsComponent>
  </NewsItem>
</NewsML>
""".encode()


def write_batch(inbox: Path, tag: str, count: int, *, poisoned: set[int] = frozenset(), marker: str = "",
                seed: int = 0) -> list[str]:
    """Write `count` stories into `inbox`; returns their story ids in order."""
    inbox.mkdir(parents=True, exist_ok=True)
    ids = []
    for i in range(count):
        data = newsml(tag, i, marker=marker if i in poisoned else "", seed=seed)
        (inbox / f"{item_id(tag, i)}.xml").write_bytes(data)
        ids.append(story_id(tag, i))
    return ids
