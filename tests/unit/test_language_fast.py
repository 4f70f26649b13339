"""The common-word fast path answers only for clear en/id; everything else gets langdetect, unchanged."""

from __future__ import annotations

import random
import re
import threading
from pathlib import Path

import pytest
from langdetect.detector import Detector

from adapters import language
from adapters.errors import PermanentError
from adapters.language import detect_language, route


def fast(text: str) -> str | None:
    """What the fast path alone says about `text` (None: it defers to langdetect)."""
    return language._fast_guess(language._WORD.findall(text))


EN_NEWS = [
    "Indonesia's central bank held its benchmark interest rate at 6 percent on Thursday, saying it wanted to keep the "
    "rupiah stable as global markets braced for further tightening by the US Federal Reserve. Governor Perry Warjiyo "
    "told reporters in Jakarta that inflation was expected to remain within the target range of 1.5 to 3.5 percent "
    "this year and next. \"We will continue to monitor developments in the financial markets closely,\" he said. "
    "Analysts at Capital Economics said they expected the bank to start cutting rates in the second half of the "
    "year, although much would depend on the Fed.",
    "At least 14 people were killed and dozens more were missing after a landslide buried a village in West Java on "
    "Tuesday, officials said, as rescuers dug through the mud with their bare hands. The disaster agency said heavy "
    "rain had been falling for three days before the hillside collapsed shortly after midnight, when most residents "
    "were asleep. Television footage showed houses flattened and roads cut off by fallen trees. \"We are still "
    "searching for 27 people who are believed to be buried,\" local police chief Agus Hidayat told AFP. President "
    "Joko Widodo ordered the military to help with the search and the evacuation of survivors.",
    "Voters in the Philippines went to the polls on Monday in an election that could return the son of the late "
    "dictator Ferdinand Marcos to the presidential palace, decades after his family was driven into exile. Ferdinand "
    "Marcos Jr, known as Bongbong, has led the opinion polls for months, with his running mate Sara Duterte, the "
    "daughter of the outgoing president. Critics say the family has never apologised for the abuses of the martial "
    "law era, and that a victory would rewrite the country's history.",
]
ID_NEWS = [
    "Bank Indonesia (BI) memutuskan untuk mempertahankan suku bunga acuan di level 6 persen pada Kamis, dengan alasan "
    "ingin menjaga stabilitas rupiah di tengah ketidakpastian pasar global. Gubernur BI Perry Warjiyo mengatakan "
    "kepada wartawan di Jakarta bahwa inflasi diperkirakan tetap berada dalam kisaran sasaran 1,5 hingga 3,5 persen "
    "pada tahun ini dan tahun depan. \"Kami akan terus memantau perkembangan di pasar keuangan dengan saksama,\" "
    "ujarnya. Sejumlah analis memperkirakan bank sentral baru akan mulai menurunkan suku bunga pada paruh kedua tahun "
    "ini, meskipun hal itu sangat bergantung pada kebijakan The Fed.",
    "Sedikitnya 14 orang tewas dan puluhan lainnya masih hilang setelah tanah longsor menimbun sebuah desa di Jawa "
    "Barat pada Selasa dini hari, kata pejabat setempat. Badan Nasional Penanggulangan Bencana (BNPB) menyebutkan "
    "hujan deras telah mengguyur wilayah itu selama tiga hari sebelum lereng bukit runtuh tak lama setelah tengah "
    "malam, saat sebagian besar warga sedang tidur. \"Kami masih mencari 27 orang yang diduga tertimbun,\" kata "
    "Kepala Polres setempat Agus Hidayat kepada AFP. Presiden Joko Widodo memerintahkan TNI untuk membantu proses "
    "pencarian dan evakuasi korban.",
    # Code-mixed, as Indonesian business copy is: English terms ("higher for longer", "The Fed") inside.
    "Menteri Keuangan Sri Mulyani Indrawati mengatakan pemerintah akan tetap menjaga defisit anggaran di bawah 3 "
    "persen dari produk domestik bruto. Menurut dia, kebijakan fiskal harus tetap hati-hati di tengah tren higher for "
    "longer suku bunga global. \"Kita tidak boleh lengah, karena risiko dari luar masih sangat besar,\" kata Sri "
    "Mulyani dalam konferensi pers di Jakarta, Jumat. Ia menambahkan bahwa penerimaan pajak hingga akhir Oktober "
    "sudah mencapai 85 persen dari target, didorong oleh harga komoditas yang masih tinggi dan pemulihan konsumsi "
    "rumah tangga.",
]
MALAY = (
    "Kerajaan mengumumkan pada hari Selasa satu rancangan untuk memodenkan rangkaian kereta api negara selepas "
    "beberapa minggu rundingan dengan kesatuan sekerja. \"Kita tidak boleh menunggu lagi, rakyat mahu kita bertindak "
    "sekarang,\" kata Menteri Pengangkutan dalam sidang media di Kuala Lumpur. Menurut data yang dikeluarkan oleh "
    "jabatan perangkaan, pengeluaran perindustrian menurun sebanyak 0.8 peratus pada suku ketiga."
)
# The same rail-plan story in the languages a wire might send us by mistake; all must still be refused.
FOREIGN = {
    "fr": "Le gouvernement a annoncé mardi un plan de plusieurs milliards d'euros pour moderniser le réseau "
          "ferroviaire, après des semaines de négociations avec les syndicats. « Nous ne pouvons plus attendre, les "
          "Français attendent des résultats », a déclaré le ministre des Transports lors d'une conférence de presse à "
          "Paris. Selon les chiffres publiés par l'Insee, la production industrielle a reculé de 0,8 % au troisième "
          "trimestre, tandis que le chômage est resté stable.",
    "es": "El gobierno anunció el martes un plan para modernizar la red ferroviaria del país, tras semanas de "
          "negociaciones con los sindicatos y los empresarios. \"No podemos esperar más, la gente quiere que "
          "actuemos ahora\", dijo el ministro de Transportes en una rueda de prensa en Madrid. Según los datos "
          "publicados por el instituto de estadística, la producción industrial cayó un 0,8 por ciento en el tercer "
          "trimestre.",
    "de": "Die Regierung hat am Dienstag einen Plan zur Modernisierung des Schienennetzes angekündigt, nachdem sie "
          "wochenlang mit den Gewerkschaften verhandelt hatte. \"Wir können nicht länger warten, die Menschen "
          "erwarten, dass wir jetzt handeln\", sagte der Verkehrsminister auf einer Pressekonferenz in Berlin. Nach "
          "Angaben des Statistischen Bundesamtes ist die Industrieproduktion im dritten Quartal um 0,8 Prozent "
          "gesunken.",
    "nl": "De regering heeft dinsdag een plan aangekondigd om het spoorwegnet te moderniseren, na weken van "
          "onderhandelingen met de vakbonden. \"We kunnen niet langer wachten, de mensen verwachten dat we nu iets "
          "doen\", zei de minister van Verkeer op een persconferentie in Den Haag. Volgens cijfers van het "
          "statistiekbureau is de industriële productie in het derde kwartaal met 0,8 procent gedaald.",
    "pt": "O governo anunciou na terça-feira um plano para modernizar a rede ferroviária do país, depois de semanas "
          "de negociações com os sindicatos. \"Não podemos esperar mais, as pessoas querem que atuemos agora\", disse "
          "o ministro dos Transportes numa conferência de imprensa em Lisboa. Segundo os dados divulgados pelo "
          "instituto de estatística, a produção industrial caiu 0,8 por cento no terceiro trimestre.",
    "it": "Il governo ha annunciato martedì un piano per modernizzare la rete ferroviaria del paese, dopo settimane di "
          "trattative con i sindacati. \"Non possiamo più aspettare, la gente si aspetta che agiamo adesso\", ha detto "
          "il ministro dei Trasporti durante una conferenza stampa a Roma. Secondo i dati pubblicati dall'istituto di "
          "statistica, la produzione industriale è scesa dello 0,8 per cento nel terzo trimestre.",
    "tl": "Inanunsyo ng pamahalaan noong Martes ang isang plano upang gawing moderno ang sistema ng tren sa bansa, "
          "matapos ang ilang linggong pakikipag-usap sa mga unyon. \"Hindi na tayo makapaghihintay, inaasahan ng mga "
          "tao na kumilos tayo ngayon,\" sabi ng kalihim ng Transportasyon sa isang pulong balitaan sa Maynila. Ayon "
          "sa datos na inilabas ng ahensiya ng estadistika, bumaba ng 0.8 porsiyento ang produksiyon ng mga pabrika.",
    "af": "Die regering het Dinsdag 'n plan aangekondig om die spoorwegnet te moderniseer, ná weke van "
          "onderhandelinge met die vakbonde. \"Ons kan nie langer wag nie, die mense verwag dat ons nou moet optree,\" "
          "het die minister van Vervoer op 'n mediakonferensie in Pretoria gesê. Volgens syfers wat deur die "
          "statistiekdiens vrygestel is, het die industriële produksie in die derde kwartaal met 0,8 persent gedaal.",
    "sv": "Regeringen presenterade på tisdagen en plan för att modernisera järnvägsnätet, efter flera veckors "
          "förhandlingar med fackföreningarna. \"Vi kan inte vänta längre, människor förväntar sig att vi agerar nu\", "
          "sade infrastrukturministern vid en presskonferens i Stockholm. Enligt siffror från Statistiska "
          "centralbyrån minskade industriproduktionen med 0,8 procent under det tredje kvartalet.",
    "sw": "Serikali ilitangaza Jumanne mpango wa kuboresha mtandao wa reli nchini baada ya wiki kadhaa za mazungumzo "
          "na vyama vya wafanyakazi. \"Hatuwezi kusubiri tena, wananchi wanatarajia tuchukue hatua sasa,\" alisema "
          "waziri wa uchukuzi katika mkutano na waandishi wa habari jijini Nairobi. Kwa mujibu wa takwimu "
          "zilizotolewa na ofisi ya takwimu, uzalishaji wa viwanda ulipungua kwa asilimia 0.8.",
    "cy": "Cyhoeddodd y llywodraeth ddydd Mawrth gynllun i foderneiddio'r rhwydwaith rheilffyrdd, ar ôl wythnosau o "
          "drafodaethau gyda'r undebau. \"Allwn ni ddim aros yn hirach, mae pobl yn disgwyl i ni weithredu nawr,\" "
          "meddai'r gweinidog trafnidiaeth mewn cynhadledd i'r wasg yng Nghaerdydd. Yn ôl ffigurau'r swyddfa "
          "ystadegau, fe ostyngodd cynhyrchiant diwydiannol 0.8 y cant yn y trydydd chwarter.",
    "fi": "Hallitus julkisti tiistaina suunnitelman rataverkon nykyaikaistamiseksi viikkojen neuvottelujen jälkeen "
          "ammattiliittojen kanssa. \"Emme voi enää odottaa, ihmiset odottavat meiltä toimia nyt\", liikenneministeri "
          "sanoi tiedotustilaisuudessa Helsingissä. Tilastokeskuksen lukujen mukaan teollisuustuotanto laski "
          "kolmannella neljänneksellä 0,8 prosenttia, kun taas työttömyys pysyi ennallaan.",
    "tr": "Hükümet salı günü, sendikalarla haftalarca süren müzakerelerin ardından demiryolu ağını modernize etmeye "
          "yönelik bir plan açıkladı. Ulaştırma Bakanı Ankara'da düzenlediği basın toplantısında \"Artık bekleyemeyiz, "
          "halk bizden şimdi harekete geçmemizi bekliyor\" dedi. İstatistik kurumunun açıkladığı verilere göre sanayi "
          "üretimi üçüncü çeyrekte yüzde 0,8 düştü.",
    "vi": "Chính phủ hôm thứ Ba đã công bố kế hoạch hiện đại hóa mạng lưới đường sắt sau nhiều tuần đàm phán với các "
          "công đoàn. \"Chúng tôi không thể chờ đợi lâu hơn nữa, người dân mong chúng tôi hành động ngay bây giờ\", Bộ "
          "trưởng Giao thông vận tải nói tại một cuộc họp báo ở Hà Nội.",
    "ru": "Правительство во вторник объявило о плане модернизации железнодорожной сети после нескольких недель "
          "переговоров с профсоюзами. «Мы больше не можем ждать, люди ожидают, что мы будем действовать сейчас», — "
          "заявил министр транспорта на пресс-конференции в Москве.",
}


@pytest.mark.parametrize("text", EN_NEWS)
def test_clear_english_is_answered_by_the_fast_path(text: str) -> None:
    assert fast(text) == "en"
    lang, prob = detect_language(text)
    assert lang == "en" and prob >= language.MIN_CONFIDENCE
    assert language._langdetect(text)[0] == "en"  # what langdetect alone says, too


@pytest.mark.parametrize("text", ID_NEWS)
def test_clear_indonesian_is_answered_by_the_fast_path(text: str) -> None:
    assert fast(text) == "id"
    lang, prob = detect_language(text)
    assert lang == "id" and prob >= language.MIN_CONFIDENCE
    assert language._langdetect(text)[0] == "id"
    assert route(text, "en").source == "id"


def test_real_indonesian_article_takes_the_fast_path(shared_dir: Path) -> None:
    body = (shared_dir / "examples" / "seed-article-id.txt").read_text(encoding="utf-8")
    start = body.index("SAN FRANCISCO")
    assert fast(body[start:start + 1200]) == "id"
    assert detect_language(body[start:start + 1200])[0] == "id"


def test_malay_counts_as_indonesian_whichever_path_answers() -> None:
    assert detect_language(MALAY)[0] == "id"
    assert route(MALAY, "ms").source == "id"


@pytest.mark.parametrize("lang", sorted(FOREIGN))
def test_other_languages_never_take_the_fast_path_and_are_refused(lang: str) -> None:
    text = FOREIGN[lang]
    assert fast(text) is None
    assert detect_language(text) == language._langdetect(text)
    assert detect_language(text)[0] == lang
    with pytest.raises(PermanentError):
        route(text, "en")
    with pytest.raises(PermanentError):
        route(text[: len(text) // 2], "id")


@pytest.mark.parametrize("text", [
    EN_NEWS[0] + " " + FOREIGN["fr"],
    ID_NEWS[1] + " " + FOREIGN["nl"],
    FOREIGN["tl"] + " " + EN_NEWS[2],
    EN_NEWS[1][:300] + " " + ID_NEWS[1][:300],  # half and half
    ID_NEWS[0][:250] + " \"We are not going to export raw materials anymore, we want to build the whole value chain "
    "here, and that is why we are asking investors to build smelters,\" kata Presiden.",  # a long English quote
    "Nasional Mondial Ekonomi Megapolitan Olahraga Rona The Alun-Alun Kupas Splash Wisata Perspektif Wawancara Edisi "
    "Weekend Foto Video Infografis Ratusan Staf OpenAI Ancam Eksodus ke Microsoft",  # page furniture, few words
])
def test_mixed_or_unclear_text_falls_back_to_langdetect_unchanged(text: str) -> None:
    assert fast(text) is None
    assert detect_language(text) == language._langdetect(text)


@pytest.mark.parametrize("text", ["", "Hello", "12 345 678", "bur-dar-gl/fz", "see https://example.com/a-long-path",
                                  "Banjir di Jakarta, Senin (12/3)."])
def test_short_text_is_undetermined(text: str) -> None:
    assert detect_language(text) == (None, 0.0)


def test_fewer_than_twenty_words_go_to_langdetect() -> None:
    text = "The minister said on Monday that the plan would be ready in March."
    assert fast(text) is None and detect_language(text) == language._langdetect(text)


def test_urls_and_addresses_are_ignored_by_both_paths() -> None:
    text = EN_NEWS[0] + " Details at https://www.example.org/banque-de-france/les-taux-et-la-politique or desk@afp.fr"
    assert detect_language(text)[0] == "en"
    assert fast(language._URL.sub(" ", text)) == "en"


def test_word_lists_do_not_overlap() -> None:
    assert not language._EN_WORDS & language._ID_WORDS
    assert not language._VETO_WORDS & (language._EN_WORDS | language._ID_WORDS)
    assert all(w == w.lower() for w in language._EN_WORDS | language._ID_WORDS | language._VETO_WORDS)


def test_whenever_the_fast_path_answers_langdetect_agrees_with_confidence() -> None:
    """Home-language text with foreign sentences spliced in at various shares: a fast answer is never a new answer."""
    split = re.compile(r"(?<=[.!?\"»])\s+")
    homes = {"en": [s for t in EN_NEWS for s in split.split(t)], "id": [s for t in ID_NEWS for s in split.split(t)]}
    foreign = [s for t in FOREIGN.values() for s in split.split(t)]
    rng = random.Random(20240305)
    answered = 0
    for _ in range(120):
        home = homes[rng.choice(["en", "id"])]
        share = rng.choice([0.05, 0.1, 0.2, 0.35])
        parts: list[str] = []
        while sum(map(len, parts)) < 1200:
            parts.append(rng.choice(foreign) if rng.random() < share else rng.choice(home))
        text = " ".join(parts)[:1200]
        guess = fast(text)
        if guess is not None:
            answered += 1
            lang, prob = language._langdetect(text)
            assert (lang, prob >= language.MIN_CONFIDENCE) == (guess, True), text
    assert answered > 10  # the property was exercised, not vacuous


def _soup(rng: random.Random) -> str:
    """Text that walks every branch of langdetect's normalization: capitals, accents, scripts, spaces, marks."""
    alphabet = ("aAbBcC  xyzXYZ éÉñÑßøØ.,;'\"-\t\n\u00a0\u3042\u30a2\u4e00\u0627\u06cc\u0219\u021b\u1ea0\u1e00"
                "\u0410\u0431ǅǆ\u0301e\u0300ΣΑ")
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))


def test_fallback_detector_matches_stock_langdetect_exactly() -> None:
    """Our Detector only finds the same n-grams faster: same text, same n-gram list, same probabilities."""
    language._langdetect("load the profiles before comparing anything")
    factory = language._langdetect_factory._factory
    rng = random.Random(7)
    texts = EN_NEWS + ID_NEWS + list(FOREIGN.values()) + [_soup(rng) for _ in range(400)] + [
        "NATO and the UN said  USA  GDP rose; e-mail desk@afp.com or see http://afp.com/x?y=1 now",
        "Ho\u0301a Ha\u0300 Nô\u0323i  tie\u0302\u0301ng Vie\u0323\u0302t", "  leading and trailing  ", "A", "AB CD",
    ]
    for text in texts:
        stock, ours = Detector(factory), language._Detector(factory)
        stock.append(text)
        ours.append(text)
        assert ours.text == stock.text, text
        stock.cleaning_text()
        ours.cleaning_text()
        assert ours.text == stock.text, text
        assert ours._extract_ngrams() == stock._extract_ngrams(), text
    for text in EN_NEWS[:1] + list(FOREIGN.values())[:4] + texts[-5:]:
        stock, ours = Detector(factory), language._Detector(factory)
        stock.seed = ours.seed = 0
        stock.append(text)
        ours.append(text)
        try:
            expected = [(x.lang, x.prob) for x in stock.get_probabilities()]
        except Exception as exc:  # langdetect's own "no features" error must come out the same way
            with pytest.raises(type(exc)):
                ours.get_probabilities()
            continue
        assert [(x.lang, x.prob) for x in ours.get_probabilities()] == expected


def test_fallback_is_deterministic_across_threads() -> None:
    results: list[tuple[str | None, float]] = []
    threads = [threading.Thread(target=lambda: results.append(detect_language(FOREIGN["nl"]))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and results[0][0] == "nl"
