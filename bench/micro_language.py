"""CPU cost of language detection per call and per story, stock langdetect vs ours: `python -m bench.micro_language`."""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from adapters.language import _WORD, _fast_guess, canonical, detect_language
from bench.stories import paragraphs_for

SAMPLE = 1200  # services.ingest.LANGUAGE_SAMPLE: what route() and check_output() see
SEED_ID = Path("/work/shared/examples/seed-article-id.txt")

_ID_ACTORS = ["Pemerintah", "Pemerintah daerah", "Dewan Perwakilan Rakyat", "Kelompok petani", "Maskapai nasional",
              "Para aktivis lingkungan", "Perusahaan listrik negara", "Anggota parlemen oposisi", "Pekerja pelabuhan",
              "Kementerian Kesehatan", "Para investor", "Lembaga bantuan"]
_ID_VERBS = ["mengumumkan rencana untuk memperluas", "memperingatkan keterlambatan dalam", "sepakat untuk meninjau",
             "menjanjikan dana baru bagi", "menyerukan penyelidikan terhadap", "meluncurkan usulan untuk memodernisasi",
             "mengatakan akan menangguhkan", "mengkritik biaya", "menyetujui anggaran untuk"]
_ID_OBJECTS = ["jaringan kereta api", "produksi beras", "tanggul penahan banjir di pesisir", "sistem rumah sakit umum",
               "proyek tenaga surya", "industri perikanan", "program makan siang sekolah", "pusat kota lama",
               "izin tambang di wilayah utara", "pasokan air bersih untuk ibu kota", "perdagangan lintas batas"]
_ID_TAILS = ["setelah berminggu-minggu berunding dengan serikat pekerja dan para pengusaha",
             "meskipun mendapat penolakan keras dari warga", "karena harga terus naik di seluruh negeri",
             "menjelang pemilihan umum yang akan digelar akhir tahun ini",
             "setelah hujan deras merendam sejumlah kecamatan", "dalam langkah yang disambut baik oleh para analis",
             "meski para pengkritik menilai rencana itu sudah sangat terlambat"]
_ID_QUOTES = ["Kami tidak bisa menunggu lebih lama lagi, dan rakyat berharap kami bertindak sekarang",
              "Ini keputusan yang sulit, tetapi ini keputusan yang tepat bagi negara",
              "Tidak ada yang perlu terkejut dengan angka-angka ini, karena tanda-tandanya sudah terlihat",
              "Kami akan terus bekerja sama dengan mitra kami sampai pekerjaan ini selesai"]
_ID_PEOPLE = ["Budi Santoso", "Siti Rahmawati", "Ahmad Rahman", "Dewi Lestari", "Agus Wibowo", "Maria Santos"]
_ID_DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat"]
_FRENCH = ("Le gouvernement a annoncé mardi un plan de plusieurs milliards d'euros pour moderniser le réseau "
           "ferroviaire, après des semaines de négociations avec les syndicats. « Nous ne pouvons plus attendre, les "
           "Français attendent des résultats », a déclaré le ministre des Transports lors d'une conférence de presse "
           "à Paris. Selon les chiffres publiés par l'Insee, la production industrielle a reculé de 0,8 % au troisième "
           "trimestre, tandis que le chômage est resté stable.")
_EN_QUOTE = ('"We are not going to export raw materials anymore, we want to build the whole value chain here in '
             'Indonesia, and we will keep working with our partners until the job is done," ')


def indonesian_body(index: int) -> str:
    """A deterministic Indonesian wire-style body (~1,500 characters), the counterpart of bench.stories."""
    rng = random.Random(f"kawat-bench-id-{index}")
    sentences: list[str] = []
    while sum(len(s) + 1 for s in sentences) < 1500:
        kind = rng.randrange(3)
        if kind == 0:
            sentences.append(f"{rng.choice(_ID_ACTORS)} {rng.choice(_ID_VERBS)} {rng.choice(_ID_OBJECTS)} pada hari "
                             f"{rng.choice(_ID_DAYS)}, {rng.choice(_ID_TAILS)}.")
        elif kind == 1:
            sentences.append(f'"{rng.choice(_ID_QUOTES)}," kata {rng.choice(_ID_PEOPLE)} kepada wartawan di Jakarta.')
        else:
            sentences.append(f"Data resmi menunjukkan bahwa {rng.choice(_ID_OBJECTS)} tumbuh {rng.randint(1, 40)},"
                             f"{rng.randint(0, 9)} persen tahun lalu, sementara {rng.choice(_ID_OBJECTS)} turun.")
    return " ".join(sentences)


def english_body(index: int) -> str:
    """The body of bench story `index` (the same text the throughput bench ingests)."""
    return " ".join(paragraphs_for(index))


def stock_langdetect(text: str) -> tuple[str | None, float]:
    """The baseline: langdetect as shipped, seeded, all profiles, on the whole sample (what the old code ran)."""
    DetectorFactory.seed = 0
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return None, 0.0
    return canonical(best.lang), best.prob


def per_call_ms(fns: list[Callable[[str], object]], texts: list[str], repeats: int) -> list[float]:
    """Best-of-`repeats` CPU ms per call for each of `fns`, taken in turns so that load on the box hits all alike."""
    best = [float("inf")] * len(fns)
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            start = time.process_time()
            for t in texts:
                fn(t)
            best[i] = min(best[i], (time.process_time() - start) / len(texts) * 1000)
    return best


def cases(count: int) -> dict[str, list[str]]:
    """Samples as route() and check_output() see them, per kind of body."""
    en = [english_body(i)[:SAMPLE] for i in range(count)]
    id_ = [indonesian_body(i)[:SAMPLE] for i in range(count)]
    out = {"en body (fast path)": en, "id body (fast path)": id_}
    if SEED_ID.exists():
        seed = SEED_ID.read_text(encoding="utf-8")
        out["id real article (seed)"] = [seed[i:i + SAMPLE] for i in range(0, max(1, len(seed) - SAMPLE), 400)]
    out["id + English quote (fallback)"] = [(_EN_QUOTE + b)[:SAMPLE] for b in id_]
    out["fr body (fallback, refused)"] = [_FRENCH] * max(1, count // 4)
    return out  # (text under 40 letters is not timed: both skip langdetect for it)


def main(argv: list[str] | None = None) -> None:
    """Print old (stock langdetect) vs new (detect_language) per call, per kind of body, and per story."""
    p = argparse.ArgumentParser(prog="python -m bench.micro_language")
    p.add_argument("--stories", type=int, default=12, help="distinct bodies per kind")
    p.add_argument("--repeats", type=int, default=9)
    args = p.parse_args(argv)
    stock_langdetect("warm up: load the profiles before timing anything")
    detect_language("warm up: load the profiles before timing anything, and the fast path too")
    results: dict[str, tuple[float, float]] = {}
    print(f"{'sample':32} {'n':>3} {'fast':>5} {'agree':>5} {'langdetect ms':>14} {'ours ms':>8} {'ratio':>7}")
    for name, texts in cases(args.stories).items():
        agree = sum(stock_langdetect(t)[0] == detect_language(t)[0] for t in texts)
        fast = sum(_fast_guess(_WORD.findall(t)) is not None for t in texts)
        old, new = per_call_ms([stock_langdetect, detect_language], texts, args.repeats)
        results[name] = old, new
        print(f"{name:32} {len(texts):3} {fast:5} {agree:5} {old:14.3f} {new:8.3f} {old / new:6.1f}x")
    old = results["en body (fast path)"][0] + results["id body (fast path)"][0]
    new = results["en body (fast path)"][1] + results["id body (fast path)"][1]
    print(f"\nper story (route on the body + check_output on the translation, one en and one id sample): "
          f"{old:.2f} ms -> {new:.2f} ms ({old / new:.1f}x)")


if __name__ == "__main__":
    main()
