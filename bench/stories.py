"""Deterministic synthetic AFP stories (NewsML 1.2, ~12 paragraphs, ~5,000 characters) for the benchmarks."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

_CITIES = ["Jakarta", "Paris", "Geneva", "Nairobi", "Manila", "Bangkok", "Lima", "Oslo", "Cairo", "Sydney",
           "Hanoi", "Madrid", "Dakar", "Seoul", "Quito", "Ankara"]
_PEOPLE = ["Maria Santos", "Ahmad Rahman", "Claire Dubois", "Kwame Mensah", "Li Wei", "Sofia Petrov",
           "James Okafor", "Ana Lima", "Hiroshi Tanaka", "Fatima Zahra", "Erik Lund", "Nadia Haddad"]
_ROLES = ["the finance minister", "a senior official", "the company's chief executive", "a regional governor",
          "the head of the port authority", "an economist at a local university", "the mayor",
          "a spokeswoman for the ministry", "a union leader", "the central bank governor"]
_ACTORS = ["The government", "Local authorities", "The regional council", "Farmers' groups", "The national airline",
           "Environmental campaigners", "The state energy company", "Opposition lawmakers", "Port workers",
           "The health ministry", "Investors", "Aid agencies"]
_VERBS = ["announced plans to expand", "warned about delays in", "agreed to review", "pledged new funding for",
          "called for an inquiry into", "unveiled a proposal to modernise", "said they would suspend",
          "criticised the cost of", "approved a budget for", "launched a campaign to protect"]
_OBJECTS = ["the railway network", "rice production", "coastal flood defences", "the public hospital system",
            "solar power projects", "the fishing industry", "school meal programmes", "the old city centre",
            "mining licences in the north", "water supplies for the capital", "cross-border trade",
            "the national museum"]
_TAILS = ["after weeks of talks with unions and business leaders", "despite strong opposition from residents",
          "as prices continued to rise across the country", "ahead of elections due later this year",
          "following heavy rain that flooded several districts", "in a move welcomed by most analysts",
          "although critics said the plan came far too late", "to meet targets set by international lenders"]
_QUOTES = ["We cannot wait any longer, and the people expect us to act now",
           "This is a difficult decision but it is the right one for the country",
           "Nobody should be surprised by these figures, because the warning signs were there",
           "We will keep working with our partners until the job is done",
           "The money has to reach the families who need it most"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


@dataclass(frozen=True)
class Synthetic:
    """One generated wire file: its item id, revision, body paragraphs and NewsML bytes."""

    item_id: str
    version: int
    headline: str
    paragraphs: tuple[str, ...]
    xml: bytes

    @property
    def characters(self) -> int:
        return len(self.headline) + sum(len(p) for p in self.paragraphs)


def _sentence(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return (f"{rng.choice(_ACTORS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} on {rng.choice(_DAYS)}, "
                f"{rng.choice(_TAILS)}.")
    if kind == 1:
        n = rng.randint(2, 950)
        return (f"The plan is expected to cost about ${n} million over {rng.randint(2, 12)} years, "
                f"according to figures released by {rng.choice(_ROLES)}.")
    if kind == 2:
        return f'"{rng.choice(_QUOTES)}," {rng.choice(_PEOPLE)}, {rng.choice(_ROLES)}, told reporters in {rng.choice(_CITIES)}.'
    pct = rng.randint(1, 40) + rng.randint(0, 9) / 10
    return (f"Official data showed that {rng.choice(_OBJECTS)} grew by {pct} percent last year, while "
            f"{rng.choice(_OBJECTS)} fell for the {rng.choice(['second', 'third', 'fourth'])} year in a row.")


def _paragraph(rng: random.Random, target_len: int = 420) -> str:
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < target_len - 60:
        parts.append(_sentence(rng))
    return " ".join(parts)


def paragraphs_for(index: int, seed: int = 8, count: int = 12) -> list[str]:
    """The body of story `index`: the same list every time for the same (index, seed)."""
    rng = random.Random(f"kawat-bench-{seed}-{index}")
    return [_paragraph(rng) for _ in range(count)]


def newsml(item_id: str, version: int, headline: str, city: str, paragraphs: list[str], when: datetime,
           first: datetime) -> bytes:
    """A NewsML 1.2 text item shaped like AFP's (identification, news lines, NITF body)."""
    stamp = when.strftime("%Y%m%dT%H%M%SZ")
    first_stamp = first.strftime("%Y%m%dT%H%M%SZ")
    date_id = first.strftime("%Y%m%d")
    dateline = f"{city}, {first.strftime('%b')} {first.day}, {first.year} (AFP) -"
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    update = "N" if version == 1 else "U"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<NewsML Version="1.2">
  <NewsEnvelope><DateAndTime>{stamp}</DateAndTime><NewsService FormalName="DEFAULT"/><Priority FormalName="4"/></NewsEnvelope>
  <NewsItem xml:lang="en">
    <Identification>
      <NewsIdentifier>
        <ProviderId>afp.com</ProviderId>
        <DateId>{date_id}</DateId>
        <NewsItemId>{item_id}</NewsItemId>
        <RevisionId PreviousRevision="{version - 1}" Update="{update}">{version}</RevisionId>
        <PublicIdentifier>urn:newsml:afp.com:{date_id}:{item_id}:{version}</PublicIdentifier>
      </NewsIdentifier>
      <NameLabel>Bench-{item_id}</NameLabel>
    </Identification>
    <NewsManagement>
      <NewsItemType FormalName="News"/>
      <FirstCreated>{first_stamp}</FirstCreated>
      <ThisRevisionCreated>{stamp}</ThisRevisionCreated>
      <Status FormalName="Usable"/>
      <Urgency FormalName="4"/>
    </NewsManagement>
    <NewsComponent>
      <NewsLines>
        <HeadLine>{escape(headline)}</HeadLine>
        <DateLine>{escape(dateline)}</DateLine>
        <CopyrightLine>© {first.year} AFP</CopyrightLine>
        <SlugLine>Bench-{item_id}</SlugLine>
      </NewsLines>
      <AdministrativeMetadata>
        <Provider><Party FormalName="AFP"/></Provider>
        <Creator><Party FormalName="Kawat Bench"/></Creator>
      </AdministrativeMetadata>
      <DescriptiveMetadata>
        <Language FormalName="en"/>
        <Genre FormalName="Article"/>
        <SubjectCode><Subject FormalName="04000000" Explanation="Economy, business and finance"/></SubjectCode>
        <Location><Property FormalName="City" Value="{escape(city)}"/></Location>
        <Property FormalName="Keyword" Value="economy"/>
      </DescriptiveMetadata>
      <ContentItem>
        <MediaType FormalName="Text"/>
        <Format FormalName="NITF3.1"/>
        <MimeType FormalName="text/vnd.IPTC.NITF"/>
        <DataContent><nitf><body><body.content>
{body}
        </body.content></body></nitf></DataContent>
      </ContentItem>
    </NewsComponent>
  </NewsItem>
</NewsML>
""".encode()


def make_story(index: int, *, version: int = 1, changed: tuple[int, ...] = (), prefix: str = "BEN",
               seed: int = 8) -> Synthetic:
    """Story `index` at `version`; paragraphs listed in `changed` are rewritten for this revision."""
    rng = random.Random(f"kawat-bench-head-{seed}-{index}")
    paragraphs = paragraphs_for(index, seed)
    for p in changed:
        paragraphs[p] = _paragraph(random.Random(f"kawat-bench-rev-{seed}-{index}-{p}-{version}"))
    city = rng.choice(_CITIES)
    headline = f"{rng.choice(_ACTORS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}"
    first = datetime(2024, 3, 4, 6, 0, tzinfo=UTC) + timedelta(minutes=7 * index)
    when = first + timedelta(hours=version - 1)
    item_id = f"TX-PAR-{prefix}{index:05d}"
    return Synthetic(item_id, version, headline, tuple(paragraphs),
                     newsml(item_id, version, headline, city, paragraphs, when, first))


def write_batch(inbox: Path, count: int, *, version: int = 1, changed: tuple[int, ...] = (), prefix: str = "BEN",
                seed: int = 8) -> list[Synthetic]:
    """Drop `count` stories into a folder inbox as `<item>-v<version>.xml` files; returns what was written."""
    inbox.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(count):
        s = make_story(i, version=version, changed=changed, prefix=prefix, seed=seed)
        (inbox / f"{s.item_id.lower()}-v{version}.xml").write_bytes(s.xml)
        out.append(s)
    return out
