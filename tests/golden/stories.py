"""Ten short stories written for these tests (6 EN->ID, 4 ID->EN), each with the engine's script and the
text a desk editor would sign off.

A template is what a decent engine writes: its own words, and `{source phrase=rendering}` where a
phrase Kawat protects sits in the target. The rendering is the engine's own guess when it can read
the phrase (no house rules: no "(20/11)", English word order kept...). `expected` is the desk's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tests.support.scripted_mt import Pair


@dataclass(frozen=True)
class Para:
    source: str
    template: str
    expected: str


@dataclass(frozen=True)
class Golden:
    name: str
    source: str
    target: str
    published: datetime
    city: str | None
    headline: Para
    body: tuple[Para, ...]

    def pairs(self) -> list[Pair]:
        return [Pair(p.source, p.template) for p in (self.headline, *self.body)]


EN_ID = [
    Golden("openai-staff", "en", "id", datetime(2023, 11, 20, 18, 0, tzinfo=UTC), "San Francisco",
           Para("OpenAI staff threaten exodus", "Staf {OpenAI=OpenAI} ancam eksodus", "Staf OpenAI ancam eksodus"),
           (
               Para("Hundreds of OpenAI staff threatened to quit on Monday, deepening the crisis at the startup.",
                    "Ratusan staf {OpenAI=OpenAI} mengancam mundur {on Monday=pada Senin}, memperdalam krisis di "
                    "{startup=perusahaan rintisan} itu.",
                    "Ratusan staf OpenAI mengancam mundur pada Senin (20/11), memperdalam krisis di perusahaan "
                    "rintisan itu."),
               Para("Altman was fired by the board on Friday, said Microsoft CEO Satya Nadella.",
                    "Altman dipecat oleh {board=dewan direksi} {on Friday=pada Jumat}, kata {CEO=CEO} "
                    "{Microsoft=Microsoft} {Satya Nadella=Satya Nadella}.",
                    "Altman dipecat oleh dewan direksi pada Jumat (17/11), kata CEO Microsoft Satya Nadella."),
               Para('"That was the case on Friday," Nadella said in an interview with Bloomberg.',
                    '"Itulah yang terjadi {on Friday=pada Jumat}," kata Nadella dalam wawancara dengan '
                    '{Bloomberg=Bloomberg}.',
                    '"Itulah yang terjadi pada hari Jumat," kata Nadella dalam wawancara dengan Bloomberg.'),
               Para("OpenAI's interim CEO Emmett Shear said on Monday the startup's board would meet on Thursday.",
                    "{interim CEO=CEO sementara} {OpenAI=OpenAI} Emmett Shear mengatakan {on Monday=pada Senin} bahwa "
                    "{board=dewan direksi} {startup=perusahaan rintisan} itu akan bertemu {on Thursday=pada Kamis}.",
                    "CEO sementara OpenAI Emmett Shear mengatakan pada Senin bahwa dewan direksi perusahaan rintisan "
                    "itu akan bertemu pada Kamis (23/11)."),
           )),
    Golden("java-quake", "en", "id", datetime(2023, 11, 23, 23, 30, tzinfo=UTC), "Jakarta",
           Para("Quake jolts Java", "Gempa guncang Jawa", "Gempa guncang Jawa"),
           (
               Para("An earthquake of magnitude 6.1 struck off Java on Friday, the National Disaster Mitigation "
                    "Agency (BNPB) said.",
                    "{earthquake=Gempa bumi} dengan {magnitude=magnitudo} {6.1=6.1} mengguncang lepas pantai Jawa "
                    "{on Friday=pada Jumat}, kata {National Disaster Mitigation Agency (BNPB)=Badan Nasional "
                    "Penanggulangan Bencana (BNPB)}.",
                    "Gempa bumi dengan magnitudo 6,1 mengguncang lepas pantai Jawa pada Jumat (24/11), kata Badan "
                    "Nasional Penanggulangan Bencana (BNPB)."),
               Para("Twelve people were on board a rescue boat that capsized, the agency said.",
                    "Dua belas orang berada di atas kapal penyelamat yang terbalik, kata badan itu.",
                    "Dua belas orang berada di atas kapal penyelamat yang terbalik, kata badan itu."),
               Para('"We will keep searching on Saturday," BNPB head Suharyanto told AFP.',
                    '"Kami akan terus mencari {on Saturday=pada Sabtu}," kepala BNPB Suharyanto {told AFP=mengatakan '
                    'kepada AFP}.',
                    '"Kami akan terus mencari pada hari Sabtu," kepala BNPB Suharyanto mengatakan kepada AFP.'),
           )),
    Golden("flood-fund", "en", "id", datetime(2024, 3, 5, 3, 0, tzinfo=UTC), "Jakarta",
           Para("Indonesia Sets Aside Funds For Flood Victims", "Indonesia Siapkan Dana untuk Korban {Flood=banjir}",
                "Indonesia Siapkan Dana untuk Korban Banjir"),
           (
               Para("Finance Minister Sri Mulyani said on Tuesday the government will release Rp 1.5 trillion for "
                    "flood victims on Friday.",
                    "{Finance Minister=Menteri keuangan} Sri Mulyani mengatakan {on Tuesday=pada Selasa} bahwa "
                    "pemerintah akan mencairkan {Rp 1.5 trillion=Rp 1,5 triliun} untuk korban {flood=banjir} "
                    "{on Friday=pada Jumat}.",
                    "Menteri Keuangan Sri Mulyani mengatakan pada Selasa (5/3) bahwa pemerintah akan mencairkan "
                    "Rp1,5 triliun untuk korban banjir pada Jumat (8/3)."),
               Para("The money, about 96 million US dollars, comes from the 2024 budget.",
                    "Dana itu, sekitar {96 million US dollars=96 juta dolar}, berasal dari anggaran 2024.",
                    "Dana itu, sekitar 96 juta dolar AS, berasal dari anggaran 2024."),
           )),
    Golden("chatbot", "en", "id", datetime(2024, 5, 15, 17, 0, tzinfo=UTC), "San Francisco",
           Para("AI Startup Hires Top Researchers", "{Startup=Startup} {AI=AI} Rekrut Peneliti Top",
                "Perusahaan Rintisan AI Rekrut Peneliti Top"),
           (
               Para("Generative AI tools such as GPT-3.5 answered 1,200 questions, Google said on Wednesday.",
                    "Alat {Generative AI=AI Generatif} seperti GPT-3.5 menjawab {1,200=1,200} pertanyaan, kata "
                    "{Google=Google} {on Wednesday=pada Rabu}.",
                    "Alat AI generatif seperti GPT-3.5 menjawab 1.200 pertanyaan, kata Google pada Rabu (15/5)."),
               Para("Version 2.5 of the app costs $4.99 a month.",
                    "Versi 2.5 aplikasi itu berharga {$4.99=4,99 dolar} per bulan.",
                    "Versi 2.5 aplikasi itu berharga 4,99 dolar AS per bulan."),
           )),
    Golden("un-vote", "en", "id", datetime(2023, 11, 21, 15, 0, tzinfo=UTC), "New York",
           Para("Security Council to vote on truce", "{Security Council=Dewan Keamanan} akan voting soal gencatan",
                "Dewan Keamanan akan voting soal gencatan"),
           (
               Para("The UN security council will vote on a ceasefire resolution on Thursday, diplomats said.",
                    "{UN security council=Dewan keamanan PBB} akan melakukan pemungutan suara atas resolusi "
                    "{ceasefire=gencatan senjata} {on Thursday=pada Kamis}, kata para diplomat.",
                    "Dewan Keamanan PBB akan melakukan pemungutan suara atas resolusi gencatan senjata pada Kamis "
                    "(23/11), kata para diplomat."),
               Para("The House of Representatives in Washington passed a similar text on Monday.",
                    "{House of Representatives=Dewan Perwakilan} di Washington mengesahkan teks serupa "
                    "{on Monday=pada Senin}.",
                    "DPR AS di Washington mengesahkan teks serupa pada Senin (20/11)."),
               Para("The White House's spokesman declined to comment.",
                    "{spokesman=Juru bicara} {White House=Gedung Putih} menolak berkomentar.",
                    "Juru bicara Gedung Putih menolak berkomentar."),
           )),
    Golden("green-fleet", "en", "id", datetime(2025, 8, 29, 9, 0, tzinfo=UTC), "London",
           Para("Swedish bus maker wins big order", "Produsen bus Swedia menangi pesanan besar",
                "Produsen bus Swedia menangi pesanan besar"),
           (
               Para("National Electric Vehicle Sweden said today, Friday August 29, it had won a £66BN order.",
                    "National Electric Vehicle Sweden mengatakan hari ini, {Friday August 29=Jumat 29 Agustus}, bahwa "
                    "pihaknya memenangi pesanan senilai {£66BN=66 BN pound}.",
                    "National Electric Vehicle Sweden mengatakan hari ini, Jumat, 29 Agustus, bahwa pihaknya "
                    "memenangi pesanan senilai 66 miliar pound sterling."),
               Para("The firm was founded on Monday, July 8, 2013.",
                    "Perusahaan itu didirikan {on Monday, July 8, 2013=pada Senin 8 Juli 2013}.",
                    "Perusahaan itu didirikan pada Senin, 8 Juli 2013."),
           )),
]

ID_EN = [
    Golden("banjir", "id", "en", datetime(2024, 1, 15, 4, 0, tzinfo=UTC), "Jakarta",
           Para("Banjir rendam Jakarta", "{Banjir=Flood} swamps Jakarta", "Flood swamps Jakarta"),
           (
               Para("Badan Nasional Penanggulangan Bencana (BNPB) mencatat 2.500 warga mengungsi pada Senin (15/1).",
                    "The {Badan Nasional Penanggulangan Bencana (BNPB)=National Disaster Management Agency (BNPB)} "
                    "said {2.500=2.500} residents were displaced {pada Senin (15/1)=on Monday (15/1)}.",
                    "The National Disaster Mitigation Agency (BNPB) said 2,500 residents were displaced on Monday."),
               Para("BNPB menyiapkan dana Rp1,5 triliun untuk korban banjir.",
                    "{BNPB=BNPB} set aside {Rp1,5 triliun=Rp1.5 trillion} for {banjir=flood} victims.",
                    "BNPB set aside 1.5 trillion rupiah for flood victims."),
               Para("Warga diminta waspada hingga Kamis (18/1).",
                    "Residents were asked to stay alert until {Kamis (18/1)=Thursday (18/1)}.",
                    "Residents were asked to stay alert until Thursday."),
           )),
    Golden("nadella-id", "id", "en", datetime(2023, 11, 20, 12, 0, tzinfo=UTC), "San Francisco",
           Para("Altman bergabung dengan Microsoft", "Altman joins {Microsoft=Microsoft}", "Altman joins Microsoft"),
           (
               Para('"Kami ingin bermitra dengan OpenAI," kata CEO Microsoft Satya Nadella pada Senin (20/11).',
                    '"We want to partner with {OpenAI=OpenAI}," {Microsoft=Microsoft} {CEO=CEO} '
                    '{Satya Nadella=Satya Nadella} said {pada Senin (20/11)=on Monday}.',
                    '"We want to partner with OpenAI," Microsoft chief executive Satya Nadella said on Monday.'),
               Para("CEO sementara OpenAI Emmett Shear mengatakan dewan direksi perusahaan rintisan itu tidak memecat "
                    "Altman karena masalah keamanan.",
                    "{OpenAI=OpenAI} {CEO sementara=interim CEO} Emmett Shear said the {perusahaan rintisan=startup} "
                    "{dewan direksi=board} did not fire Altman over safety concerns.",
                    "OpenAI interim CEO Emmett Shear said the startup's board of directors did not fire Altman over "
                    "safety concerns."),
           )),
    Golden("ekonomi", "id", "en", datetime(2024, 2, 1, 2, 0, tzinfo=UTC), "Jakarta",
           Para("Ekonomi tumbuh 5,05 persen", "Economy grows {5,05 persen=5,05 percent}", "Economy grows 5.05 percent"),
           (
               Para("Menteri Keuangan Sri Mulyani mengatakan pada Kamis (1/2) bahwa ekonomi tumbuh 5,05 persen tahun "
                    "lalu.",
                    "{Menteri Keuangan=Finance minister} Sri Mulyani said {pada Kamis (1/2)=on Thursday (1/2)} the "
                    "economy grew {5,05 persen=5,05 percent} last year.",
                    "Finance Minister Sri Mulyani said on Thursday the economy grew 5.05 percent last year."),
               Para("Inflasi mencapai 2,57 persen pada Januari.",
                    "{Inflasi=Inflation} reached {2,57 persen=2,57 percent} in January.",
                    "Inflation reached 2.57 percent in January."),
           )),
    Golden("pemilu", "id", "en", datetime(2024, 2, 21, 5, 0, tzinfo=UTC), "Jakarta",
           Para("KPU umumkan hasil sementara", "{KPU=KPU} announces preliminary results",
                "General Elections Commission (KPU) announces preliminary results"),
           (
               Para("Komisi Pemilihan Umum (KPU) mengumumkan hasil sementara pada Rabu (14/2).",
                    "The {Komisi Pemilihan Umum (KPU)=Elections Commission (KPU)} announced preliminary results "
                    "{pada Rabu (14/2)=on Wednesday}.",
                    "The General Elections Commission (KPU) announced preliminary results on February 14."),
               Para("Pemungutan suara digelar pada Rabu, 14 Februari 2024.",
                    "Voting took place {pada Rabu, 14 Februari 2024=on Wednesday 14 February 2024}.",
                    "Voting took place on Wednesday, February 14, 2024."),
               Para("KPU akan mengumumkan hasil resmi pada Rabu (20/3).",
                    "The {KPU=KPU} will announce official results {pada Rabu (20/3)=on Wednesday}.",
                    "The KPU will announce official results on March 20."),
           )),
]

ALL = EN_ID + ID_EN
