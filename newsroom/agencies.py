"""Agency display names from provider ids: one table, so credits and datelines name agencies alike."""

from __future__ import annotations

import re

# Provider ids as feeds send them (domains, G2 qcodes, NITF regsrc) → the name newsrooms print.
_NAMES = {
    "afp": "AFP", "afp.com": "AFP", "ap": "AP", "ap.org": "AP", "apnews.com": "AP", "reuters": "Reuters",
    "reuters.com": "Reuters", "thomsonreuters.com": "Reuters", "ansa": "ANSA", "ansa.it": "ANSA", "dpa": "dpa",
    "dpa.com": "dpa", "dpa.de": "dpa", "ntb": "NTB", "ntb.no": "NTB", "kyodo": "Kyodo", "kyodonews.jp": "Kyodo",
    "kyodonews.net": "Kyodo", "businesswire": "Business Wire", "businesswire.com": "Business Wire", "efe": "EFE",
    "efe.com": "EFE", "agencia-efe": "EFE", "agencia efe": "EFE", "pa": "PA", "pa.media": "PA", "pa sport": "PA",
    "aap": "AAP", "aap.com.au": "AAP", "antara": "ANTARA", "antaranews.com": "ANTARA", "xinhua": "Xinhua",
    "xinhuanet.com": "Xinhua", "bernama": "Bernama", "bernama.com": "Bernama", "tass": "TASS", "tass.ru": "TASS",
    "tass.com": "TASS", "ritzau": "Ritzau", "ritzau.dk": "Ritzau", "tt": "TT", "tt.se": "TT", "ana-mpe.gr": "ANA-MPA",
    "ats": "ATS", "ats.ch": "ATS", "sda-ats": "ATS", "belga": "Belga", "belga.be": "Belga", "yonhap": "Yonhap",
    "yna.co.kr": "Yonhap", "gettyimages.com": "Getty Images", "gyi": "Getty Images", "apa": "APA", "apa.at": "APA",
    "itar-tass.com": "TASS", "sda-ats.ch": "ATS", "keystone-sda.ch": "Keystone-SDA", "efeservicios.com": "EFE",
    "texto.efeservicios.com": "EFE", "anp": "ANP", "anp.nl": "ANP", "stt": "STT", "stt.fi": "STT", "ritzau.com": "Ritzau",
    "ana": "ANA-MPA", "pap.pl": "PAP", "ctk.cz": "ČTK", "lusa.pt": "Lusa", "aa.com.tr": "Anadolu", "iol.co.za": "IOL",
}
# Placeholders parsers use when a feed names no provider: never an agency to credit.
PLACEHOLDERS = frozenset({"ninjs", "nitf", "web", "unknown", "g2", "newsml", "localhost", "example.com", "www"})
_WWW = re.compile(r"^(?:www\d?|news|feeds?|api|content|media)\.", re.I)


def agency_name(provider: str | None) -> str | None:
    """"afp.com" → "AFP", "nprov:dpa" → "dpa", "www.acmenews.com" → "Acmenews"; None for placeholders."""
    if not provider or not provider.strip():
        return None
    key = provider.strip().lower()
    if "://" in key:
        key = key.split("://", 1)[1].split("/", 1)[0]
    key = key.rsplit(":", 1)[-1] if ":" in key else key
    key = _WWW.sub("", key)
    if key in _NAMES:
        return _NAMES[key]
    if key in PLACEHOLDERS or not key:
        return None
    label = key.split(".")[0] if "." in key else key
    if label in PLACEHOLDERS or not re.search(r"[a-z]", label) or re.search(r"\d", label):
        return None  # "z01122" is a code, not a name
    return label.upper() if len(label) <= 4 else label.capitalize()


_ALIASES = {"agence france-presse": "afp.com", "associated press": "ap.org", "the associated press": "ap.org",
            "deutsche presse-agentur": "dpa.com", "kantor berita antara": "antaranews.com"}


def provider_for(name: str | None) -> str | None:
    """The provider id for an agency's printed name ("AFP" → "afp.com", "Associated Press" → "ap.org")."""
    if not name or not name.strip():
        return None
    key = name.strip().casefold()
    if key in _ALIASES:
        return _ALIASES[key]
    return next((p for p, n in _NAMES.items() if "." in p and n.casefold() == key), None)


def known_agency(name: str | None) -> bool:
    """True when `name` is an agency this table knows ("AFP", "Reuters", "dpa")."""
    if not name:
        return False
    return name.strip().lower() in set(_NAMES) | {v.lower() for v in _NAMES.values()}
