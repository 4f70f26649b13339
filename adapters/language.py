"""Which way a story goes (EN→ID or ID→EN), and whether a translation came out in the right language."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import langdetect.detector_factory as _langdetect_factory
from langdetect.detector import Detector
from langdetect.lang_detect_exception import LangDetectException
from langdetect.utils.ngram import NGram

from adapters.errors import PermanentError
from newsroom import languages

SUPPORTED = ("en", "id")
DIRECTION = {"en": "id", "id": "en"}
# Fewer letters than this and langdetect guesses (e.g. "Hello" → fi); we do not trust it.
MIN_LETTERS = 40
# Below this probability a detection does not override the feed's declared language.
MIN_CONFIDENCE = 0.80
# langdetect has no Malay profile, but other tags for the same language reach us from feeds.
# On top of newsroom.languages: langdetect calls much Indonesian copy Malay, and both read alike to a partner.
_AS_INDONESIAN = {"ms": "id", "msa": "id", "zlm": "id"}
_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+")
_WORD = re.compile(r"[^\W\d_]+")  # runs of letters: their lengths add up to the letter count

# Fast path: frequent words of English, of Indonesian, and of the other Latin-script languages langdetect knows
# (the veto list, which leaves out words of the first two such as in, is, dan, di, para; it matches lower-case
# words only, so "UN" and "Le Pen" do not veto).
_EN_WORDS = frozenset("""
    the and of to that with for was were said says his her their they them has have had been would will which who
    whom whose from this these those it its by be are on at an but not or as after also he she we there about more
    than when into over is in a you our can could should may might while other all some any what where how why
    because if so up out new one two last first only such being then told according against between during before
    under us most many much very just like since until did does do people government officials year years monday
    tuesday wednesday thursday friday saturday sunday""".split())
_ID_WORDS = frozenset("""
    yang dan di untuk dengan ini itu dari pada akan tidak dalam juga sudah kata mereka telah oleh bahwa karena ke ada
    atau bisa masih saat lebih kami kita dia ia para serta namun hingga setelah secara antara tersebut adalah
    merupakan sebagai agar jika belum harus dapat seperti tetapi sementara hanya menjadi bagi sejak tak pun lalu kini
    banyak sebuah seorang yaitu yakni maka sangat ujar kepada terhadap menurut tanpa saja semua melalui sekitar bukan
    sedang tahun orang ketika kemudian sehingga bahkan pula mengatakan katanya ujarnya hari pihak saya anda baru atas
    salah satu diri mantan besar lain lainnya mana kembali ingin hal sama lagi terus bulan pekan sebelum senin selasa
    rabu kamis jumat sabtu minggu pemerintah presiden menteri negara""".split())
_VETO_WORDS = frozenset("""
    le la les des du de un une et est sont dans pour que qui sur pas au aux il elle ils ont ce cette avec par selon
    été nous vous leur mais ou où ne lui el los las del lo por con una es está como pero fue según más muy sin sobre
    también ha han der die das und ist nicht den dem ein eine einen im zu mit von sich auf für dass sie er wie wir
    auch bei nach aus wird hat werden sind noch oder het een van en op te zijn niet met voor dat ook maar wordt
    heeft naar nog bij om uit worden hij zij wij os não da dos em um uma com foi pelo pela ao seu sua che della
    delle degli dei nel nella sono gli anche hanno stato alla questo ang ng mga sa na ay si ni nang kay hindi siya
    niya ito nila noong wa ya kwa za katika huo hiyo kuwa ja ei että oli ovat kun mukaan myös kanssa hän tai sekä
    joka jotka kuin mutta og det ikke af til som med på har var jeg vi fra och är att inte för av ett jag nie się że
    jest od po oraz przez jak już ale był ve bir bu ile için olarak daha gibi ise ancak şi în cu pe nu mai care sau
    fost je jsou také který az és hogy nem egy meg volt csak mint su koji nije kao bio bi ir kad yra buvo ar yn yr
    mae wedi gan ac eu mewn gyda ddim meddai ond hefyd bod fod nhw chi fe oedd sydd hyn dros heb të në dhe për një
    nga që iyo oo ayaa ayuu ku ka waxay waxaa ee uu soo kadib aad loo lagu sida alisema pia hata lakini baada kama
    zaidi huku ambao ambayo din rin pa lang ayon naman kung dahil vir hy sy deur wat
    sal""".split()) - _EN_WORDS - _ID_WORDS
_FAST_MIN_WORDS = 20  # below this a sample is too small to call by its common words; langdetect decides
_FAST_MIN_SHARE = {"en": 0.30, "id": 0.22}  # running English is ~40% list words, Indonesian ~30%
_FAST_MAX_OTHER = 0.15  # the other language's hits, relative to the winner's (quotes, names, code-mixing)
_FAST_MAX_VETO = 0.02  # share of words from the veto list (foreign function words, name particles)
_FAST_MAX_NON_ASCII = 0.01  # share of letters outside ASCII: accents mean another Latin-script language
_FAST_MAX_GAP = {"en": 10, "id": 14}  # this many words in a row off the list: part of the text may be foreign
_FAST_CONFIDENCE = 0.999

_lock = threading.Lock()
_SPACES = re.compile("  +")
_normal: dict[str, str] = {}  # langdetect's per-character normalization, memoized: a pure function, called a lot


def canonical(tag: str | None) -> str | None:
    """"en-GB" → "en", "id-ID"/"in"/"ms" → "id": one spelling per language."""
    code = languages.canonical(tag)
    return _AS_INDONESIAN.get(code, code) if code else None


def _fast_guess(words: list[str]) -> str | None:
    """"en"/"id" when common words leave no doubt, so langdetect's ~5 ms can be skipped; None to ask langdetect."""
    n = len(words)
    letters = "".join(words)
    accented = len(letters) - len(letters.encode("ascii", "ignore"))
    if n < _FAST_MIN_WORDS or accented > _FAST_MAX_NON_ASCII * len(letters):
        return None
    if sum(w in _VETO_WORDS for w in words) > _FAST_MAX_VETO * n:  # case-sensitive: "UN", "Le Pen" do not count
        return None
    lower = [w.lower() for w in words]
    en = sum(w in _EN_WORDS for w in lower)
    id_ = sum(w in _ID_WORDS for w in lower)
    lang, hits, other = ("en", en, id_) if en >= id_ else ("id", id_, en)
    if hits < _FAST_MIN_SHARE[lang] * n or other > _FAST_MAX_OTHER * hits:
        return None
    vocabulary = _EN_WORDS if lang == "en" else _ID_WORDS
    gap = 0  # words in a row without one from the list: a foreign sentence or quote leaves a long gap
    for w in lower:
        gap = 0 if w in vocabulary else gap + 1
        if gap >= _FAST_MAX_GAP[lang]:
            return None
    return lang


class _Detector(Detector):
    """langdetect's Detector with the same n-grams found in one pass per word instead of per-character objects."""

    def append(self, text: str) -> None:
        """As Detector.append (URLs and mails out, Vietnamese normalized, space runs squeezed), for one call."""
        text = NGram.normalize_vi(self.MAIL_RE.sub(" ", self.URL_RE.sub(" ", text)))
        self.text += _SPACES.sub(" ", text[: self.max_text_length])

    def cleaning_text(self) -> None:
        """ASCII text holds no non-Latin letters, so Detector.cleaning_text would leave it as it is."""
        if not self.text.isascii():
            super().cleaning_text()

    def _extract_ngrams(self) -> list[str]:
        """The 1-, 2- and 3-grams NGram.add_char would yield, in the same order; the trials draw from this list."""
        known = self.word_lang_prob_map
        table = _normal if len(_normal) < 8192 else {}  # junk with thousands of distinct characters: not memoized
        for ch in set(self.text).difference(table):
            table[ch] = NGram.normalize(ch)
        words = "".join([table[ch] for ch in self.text]).split(" ")
        grams: list[str] = []
        add = grams.append
        last = len(words) - 1
        for k, word in enumerate(words):
            if not word:
                continue
            padded = " " + word + " "
            upper_before = False
            for i in range(1, len(padded) - 1):
                upper = padded[i].isupper()
                if not (upper and upper_before):  # NGram yields nothing inside runs of capitals (acronyms)
                    if (g := padded[i]) in known:
                        add(g)
                    if (g := padded[i - 1:i + 1]) in known:
                        add(g)
                    if i > 1 and (g := padded[i - 2:i + 1]) in known:
                        add(g)
                upper_before = upper
            if k < last:  # a space followed the word: its last bigram and trigram end in that space
                if (g := padded[-2:]) in known:
                    add(g)
                if (g := padded[-3:]) in known:
                    add(g)
        return grams


def _langdetect(text: str) -> tuple[str | None, float]:
    """Seeded langdetect over all profiles; the factory is loaded once, under the lock."""
    with _lock:
        _langdetect_factory.init_factory()
    detector = _Detector(_langdetect_factory._factory)
    detector.seed = 0  # the detector's own Random, re-seeded per detection: deterministic and thread-safe
    detector.append(text)
    try:
        ranked = detector.get_probabilities()
    except LangDetectException:
        return None, 0.0
    if not ranked:
        return None, 0.0
    return canonical(ranked[0].lang), float(ranked[0].prob)


def detect_language(text: str) -> tuple[str | None, float]:
    """Clear en/id by common words, else seeded langdetect; (None, 0.0) for text too short or without letters."""
    cleaned = _URL.sub(" ", text) if "@" in text or "://" in text or "www." in text else text
    words = _WORD.findall(cleaned)
    if sum(map(len, words)) < MIN_LETTERS:
        return None, 0.0
    fast = _fast_guess(words)
    if fast is not None:
        return fast, _FAST_CONFIDENCE
    return _langdetect(cleaned)


@dataclass(frozen=True)
class Route:
    """Translation direction for one story, with what we detected and why we decided."""

    source: str
    target: str
    detected: str | None
    note: str | None = None


def route(body_text: str, declared: str | None) -> Route:
    """EN→ID for English bodies, ID→EN for Indonesian; the feed's language when detection cannot say."""
    feed = canonical(declared)
    detected, prob = detect_language(body_text)
    if detected is not None and prob >= MIN_CONFIDENCE:
        if detected not in SUPPORTED:
            raise PermanentError(f"body is in {detected!r} (p={prob:.2f}); only en and id are translated")
        note = None
        if feed and feed != detected:
            note = f"feed declares {declared!r} but the body detects as {detected!r} (p={prob:.2f}); using {detected!r}"
        return Route(detected, DIRECTION[detected], detected, note)
    why = "too short or undetectable" if detected is None else f"uncertain ({detected!r}, p={prob:.2f})"
    if feed not in SUPPORTED:
        raise PermanentError(f"body language {why} and the feed declares {declared!r}; cannot route")
    return Route(feed, DIRECTION[feed], detected, f"body language {why}; using the feed's declared {feed!r}")


def check_output(text: str, target: str) -> str | None:
    """A problem when a translated body does not detect as `target`; None when fine or undeterminable."""
    detected, prob = detect_language(text)
    want = canonical(target)
    if detected is None or detected == want:
        return None
    if prob < MIN_CONFIDENCE:
        return None
    return f"translated body detects as {detected!r} (p={prob:.2f}), expected {want!r}"
