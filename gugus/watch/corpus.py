# ruff: noqa: E501 -- the templates are prose; wrapping them would hide what a post reads like.
"""A deterministic generator of realistic Indonesian job-related posts, labelled.

The project builds its own seed corpus: no labelled set of Indonesian recruitment posts is
published, and nothing may be downloaded at run time. Posts come from templates with slots
(places, jobs, pay, phones, accounts, agencies) and light noise (emoji, abbreviations, hashtags,
shouting). Categories:

- ``scam_compound``: online-scam compound recruitment (Cambodia/Myanmar/Laos, customer service...)
- ``scam_moratorium``: domestic work in a moratorium country on visit/pilgrimage visas
- ``scam_fee``: fee-first offers to Japan/Korea/Taiwan/Europe, payment to a personal account
- ``scam_nonprocedural``: undocumented routes (Malaysia plantations via Nunukan/Batam...)
- ``legit_p3mi``: placements by licensed agencies (sample registry), no placement fee
- ``legit_g2g``: government programmes (G to G Korea EPS-TOPIK, Japan IM/SSW, Germany)
- ``warning``: warnings about such scams by KP2MI, IOM, Kemlu, police, labour offices
- ``news``: news items about cases, arrests, repatriations, coordination meetings
- ``domestic_job``: ordinary job ads inside Indonesia

Label 1 = deceptive recruitment (the ``scam_*`` categories), 0 = everything else. Warnings, news
and legitimate placements deliberately share the scam vocabulary.

Every fourth template of a category (index % 4 == 3) is *held out*: ``split="train"`` never uses
it, ``split="heldout"`` uses only those, so evaluation can measure generalisation to unseen wording.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass

from gugus.watch.resources import load_registry

SCAM_CATEGORIES = ("scam_compound", "scam_moratorium", "scam_fee", "scam_nonprocedural")
CLEAN_CATEGORIES = ("legit_p3mi", "legit_g2g", "warning", "news", "domestic_job")
# Share of each category in a generated stream (the real mix is unknown; scams are over-represented
# so that evaluation has enough positives).
DEFAULT_MIX = {
    "scam_compound": 0.14, "scam_moratorium": 0.08, "scam_fee": 0.08, "scam_nonprocedural": 0.06,
    "legit_p3mi": 0.14, "legit_g2g": 0.08, "warning": 0.14, "news": 0.12, "domestic_job": 0.16,
}


@dataclass(slots=True)
class Post:
    id: str
    text: str
    label: int
    category: str
    template: str

    def as_json(self) -> str:
        return json.dumps({"id": self.id, "text": self.text, "label": self.label, "category": self.category},
                          ensure_ascii=False)


V = {
    "hotspot": ["Kamboja", "Phnom Penh, Kamboja", "Sihanoukville", "Myanmar", "Myawaddy", "Laos", "Golden Triangle Laos",
                "Bavet, Kamboja", "Poipet", "Shwe Kokko Myanmar", "Kamboja (Sihanoukville)", "Vientiane, Laos"],
    "cjob": ["customer service", "CS online", "admin online", "data entry", "operator komputer", "marketing online",
             "telemarketing", "typing", "admin game", "operator online", "staff admin"],
    "scam_pay": ["15jt", "Rp 15.000.000", "12-20jt", "1.500 USD", "$1000", "800-1200 USD", "18 juta", "Rp12.000.000",
                 "20jt", "25 jt", "1.200 dollar", "17jtan", "Rp 13.500.000"],
    "fee": ["Rp 500.000", "1,5jt", "350rb", "Rp 2.000.000", "Rp750.000", "2,5 juta", "Rp 1.250.000", "500k", "3jt"],
    "mora": ["Arab Saudi", "Riyadh", "Dubai", "Kuwait", "Qatar", "Yordania", "Oman", "Abu Dhabi", "Jeddah", "Bahrain",
             "Doha, Qatar", "Mekkah"],
    "dw": ["ART", "asisten rumah tangga", "pengasuh anak", "sopir pribadi", "perawat lansia", "pembantu rumah tangga",
           "babysitter", "tukang masak"],
    "mora_pay": ["6jt", "Rp 7.000.000", "1500 riyal", "2.000 SAR", "7,5jt", "Rp 8 juta", "1.800 riyal"],
    "fee_dest": ["Jepang", "Korea", "Taiwan", "Polandia", "Turki", "Jerman", "Australia", "Selandia Baru", "Inggris"],
    "fee_job": ["pabrik", "kebun", "konstruksi", "hotel", "pengepakan buah", "las (welder)", "pertanian", "perawat"],
    "fee_pay": ["25jt", "Rp 30.000.000", "2.000 USD", "35 juta", "1.800 euro", "Rp 28.000.000", "20jt"],
    "np_place": ["Malaysia", "Kuala Lumpur", "Johor", "Sabah", "Sarawak", "Tawau"],
    "np_route": ["lewat Nunukan", "lewat Batam", "lewat Entikong", "lewat Tanjung Balai", "via jalur darat", "lewat Dumai"],
    "np_job": ["kebun sawit", "ladang sawit", "kilang", "pabrik", "bangunan", "restoran"],
    "np_pay": ["RM 2.500", "RM1800", "6jt", "Rp 7.000.000", "2.000 ringgit"],
    "legit_dest": ["Taiwan", "Hongkong", "Malaysia", "Singapura", "Korea Selatan", "Jepang", "Brunei"],
    "legit_job": ["operator produksi", "caregiver", "perawat lansia", "welder", "housekeeping hotel", "ABK kapal ikan",
                  "operator pabrik", "pengasuh lansia"],
    "legit_pay": ["NT$ 27.470", "HKD 4.990", "RM 1.700", "SGD 650", "Rp 12.000.000", "Rp 9.500.000", "1.100 USD"],
    "g2g_prog": ["G to G Korea (EPS-TOPIK)", "G to G Jepang (IM Japan)", "program SSW Jepang", "Triple Win Jerman",
                 "G to G Korea sektor manufaktur", "G to G Korea sektor perikanan"],
    "source": ["KP2MI", "BP2MI", "IOM Indonesia", "Kemlu RI", "KBRI Phnom Penh", "Polda Jawa Timur", "Disnaker Kab. Cirebon",
               "Imigrasi Ngurah Rai", "Gugus Tugas PP TPPO Kab. Manggarai", "Dinas Sosial NTT", "SBMI"],
    "police": ["Polda Jawa Barat", "Polres Nunukan", "Bareskrim Polri", "Polda NTB", "Polresta Manado", "Polda Kepri",
               "Polres Cirebon", "Polda Sumatera Utara"],
    "region": ["Indramayu", "Cirebon", "Lombok Timur", "Kupang", "Manggarai", "Blitar", "Ponorogo", "Sukabumi", "Medan",
               "Banyuwangi", "Cianjur", "Karawang"],
    "city": ["Jakarta", "Surabaya", "Bandung", "Bekasi", "Tangerang", "Semarang", "Medan", "Makassar", "Yogyakarta",
             "Sidoarjo", "Cikarang", "Malang", "Denpasar"],
    "djob": ["admin toko", "kasir", "barista", "kurir", "staff gudang", "operator produksi", "sales motor", "driver",
             "admin olshop", "security", "cleaning service", "staff dapur"],
    "dpay": ["UMR", "Rp 4.500.000", "4,8jt", "Rp 3.500.000 + uang makan", "UMK + lembur", "5jt"],
    "name": ["Budi Santoso", "Siti Aminah", "Rina Wati", "Agus Salim", "Dewi Lestari", "Hendra", "Yuni Astuti",
             "Joko Susilo", "Nur Hasanah", "Rudi Hartono", "Wayan Sudarsa", "Maria Lende"],
    "bank": ["BCA", "BRI", "BNI", "Mandiri", "BSI", "Dana", "SeaBank"],
    "fake_pt": ["PT Maju Jaya Sentosa", "PT Global Karya Mandiri", "CV Berkah Abadi", "PT Sukses Makmur Internasional",
                "PT Mega Karya Asia", "PT Cahaya Abadi Group"],
    "n": ["2", "3", "5", "10", "12", "20", "25", "35", "48", "60", "104"],
}

EMOJI = ["🔥", "✅", "💰", "✈️", "📞", "👉", "‼️", "🙏", "💯", "⚠️", "📢", "🇰🇭", "🇹🇼", "😊", "⭐"]
HASHTAGS = ["#lokerluarnegeri", "#lowongankerja", "#loker", "#kerjaluarnegeri", "#lokerkamboja", "#infoloker", "#pmi",
            "#stoptppo", "#lokerterbaru", "#kerjaasia"]

T = {
    "scam_compound": [
        "LOKER {hotspot} {e}\nDibutuhkan {cjob}, gaji {scam_pay}/bulan. Tanpa pengalaman, yang penting bisa main HP. "
        "Tiket pesawat + visa ditanggung, mess gratis. Berangkat minggu ini! Minat hubungi WA {phone}",
        "Dicari {n} orang {cjob} untuk perusahaan di {hotspot}. Gaji {scam_pay} + bonus. Usia 18-35, lulusan SMP bisa. "
        "Semua biaya ditanggung perusahaan, berangkat pakai visa turis dulu nanti diurus di sana. Japri {phone}",
        "{e} KERJA DI {hotspot} {e} posisi {cjob} gaji fantastis {scam_pay}, kerja di kantor ber-AC, makan 3x. "
        "Paspor dibantu, tiket gratis. Transit Bangkok lalu jalan darat. Serius aja chat wa.me/{wa}",
        "Butuh cepat!! {cjob} penempatan {hotspot}. Gaji {scam_pay}. Kontrak kerja dibuat setelah sampai. "
        "Tidak perlu pengalaman, diajari. Kirim foto KTP + paspor ke WA {phone}. Bukan penipuan 100% aman",
        "Lowongan {cjob} kantor di {hotspot}, salary {scam_pay}, tanpa tes, langsung berangkat. Berangkat via "
        "Malaysia/Thailand, tiket ditanggung bos. Gabung telegram t.me/{tg} atau hubungi {phone}",
        "Open recruitment {cjob} ({hotspot}). Gaji {scam_pay} per bulan, bonus target. Syarat: bisa komputer dasar, "
        "tanpa ijazah. Biaya proses {fee} saja, sisanya potong gaji. Info lengkap DM / WA {phone}",
        "Halo kak, ada kerjaan {cjob} di {hotspot} gaji {scam_pay}, kerjanya cuma chatting pakai HP. "
        "Berangkat gratis, visa kunjungan, paspor dipegang perusahaan biar aman. Minat langsung ke saya {phone}",
        "DIBUKA {n} SLOT {cjob} {hotspot}. Gaji {scam_pay}, libur 4x sebulan. Bebas visa, kuota terbatas, buruan daftar. "
        "Kontak admin {phone} (WA only)",
    ],
    "scam_moratorium": [
        "Dibutuhkan {dw} untuk majikan di {mora}, gaji {mora_pay}. Berangkat pakai visa ziarah, proses cepat 2 minggu, "
        "tanpa biaya. Paspor diurus. Hubungi Bu {name} {phone}",
        "Lowongan {dw} {mora} {e} gaji {mora_pay} bersih. Umur 21-45, tidak perlu pengalaman. Berangkat lewat umroh "
        "lalu langsung kerja. Sponsor pribadi, semua biaya ditanggung. WA {phone}",
        "Info kerja {dw} ke {mora}, majikan baik, gaji {mora_pay}. Tidak ada kontrak di sini, kontrak di negara tujuan. "
        "Kirim KTP dan KK ke {phone}. Berangkat bulan depan",
        "Cari {n} orang {dw} buat {mora}. Gaji {mora_pay}, dapat uang saku {fee}. Visa kunjungan, transit Malaysia. "
        "Dijamin berangkat! Info japri {phone}",
        "Loker {dw} Timur Tengah ({mora}) via jalur cepat tanpa antri. Gaji {mora_pay}, biaya tiket dipotong gaji 3 bulan. "
        "Hubungi agen {name} WA {phone}",
        "Yang mau kerja {dw} di {mora}, gaji {mora_pay}, tanpa pelatihan, langsung terbang. Paspor disimpan majikan. "
        "DM aku atau WA {phone}",
    ],
    "scam_fee": [
        "Lowongan kerja {fee_job} di {fee_dest}, gaji {fee_pay}/bulan. Tanpa tes bahasa, proses cepat. Biaya pendaftaran "
        "{fee} transfer ke rek {bank} {acct} a.n. {name}. Info WA {phone}",
        "{e} KERJA KE {fee_dest} {e} sektor {fee_job}, gaji {fee_pay}. Syarat: KTP, KK, ijazah min SMP. DP {fee} untuk "
        "proses visa, sisanya setelah visa keluar. Transfer {bank} {acct} an {name}",
        "Program kerja {fee_dest} {fee_job} {n} orang, gaji {fee_pay}. Biaya administrasi {fee} (seragam + medical). "
        "Kirim scan KTP & paspor via WA {phone}. Kuota terbatas!!",
        "Mau kerja di {fee_dest}? Gaji {fee_pay}, kerja {fee_job}. Biaya ringan {fee}, bisa dicicil dari gaji. "
        "Pembayaran ke rekening {bank} no {acct} ({name}). Berangkat 1 bulan",
        "Dibuka pendaftaran kerja {fee_job} {fee_dest} via {fake_pt}, gaji {fee_pay}. Uang jaminan {fee}, dikembalikan "
        "setelah kerja. Rek {bank} {acct}. Hubungi {phone}. Terpercaya & amanah",
        "Peluang emas! {fee_job} di {fee_dest} gaji {fee_pay}, visa kerja dijamin keluar. Bayar biaya proses {fee} "
        "dulu ke {bank} {acct} atas nama {name}, tiket menyusul. Japri {phone}",
    ],
    "scam_nonprocedural": [
        "Kerja {np_job} di {np_place}, gaji {np_pay}. Berangkat {np_route}, pakai paspor pelancong, nanti diurus bos di "
        "sana. Tanpa biaya, potong gaji. Hubungi {phone}",
        "Dicari {n} orang kerja {np_job} {np_place}. Gaji {np_pay}, mess + makan. Jalan {np_route}, tidak perlu "
        "visa kerja. Minat japri {phone}",
        "Loker {np_job} {np_place} {e} gaji {np_pay}. Tekong siap antar {np_route}. Biaya berangkat {fee} bayar di muka. "
        "WA {phone}",
        "Ada kerja {np_job} {np_place}, gaji {np_pay}, bisa bawa keluarga. Paspor belum ada gapapa, dibuatkan. Nyebrang "
        "{np_route}. Kontak agen {name} {phone}",
        "Butuh cepat pekerja {np_job} ke {np_place}. Gaji {np_pay}. Visa kunjungan, kerja langsung. Berangkat {np_route}. "
        "Siap berangkat chat {phone}",
    ],
    "legit_p3mi": [
        "{agency} ({licence}) membuka lowongan {legit_job} ke {legit_dest}. Gaji {legit_pay} sesuai perjanjian kerja. "
        "Bebas biaya penempatan sesuai UU 18/2017. Pendaftaran melalui SISKOP2MI dan Disnaker setempat. Alamat kantor: "
        "Jl. Raya {city} No. {n}. Telp {office}",
        "Lowongan resmi {legit_dest}: {legit_job}, gaji {legit_pay}. Diproses oleh {agency}, P3MI terdaftar di KP2MI "
        "(izin {licence}). Tidak dipungut biaya. Syarat: usia 21-40, sehat, lulus pelatihan. Info: {office}",
        "Rekrutmen {legit_job} tujuan {legit_dest} oleh {agency}. Gaji {legit_pay}, BPJS Ketenagakerjaan, kontrak 2 "
        "tahun ditandatangani sebelum berangkat. Walk-in interview di kantor kami Jl. Pahlawan {n}, {city}. "
        "Cek izin kami di siskop2mi.kp2mi.go.id",
        "{agency} (SIP3MI {licence}) butuh {n} {legit_job} ke {legit_dest}, gaji {legit_pay}. Biaya penempatan "
        "ditanggung pemberi kerja. Orientasi pra pemberangkatan di LTSA. Hubungi kantor {office} atau WA admin {phone}",
        "Kesempatan kerja {legit_dest} {e} posisi {legit_job}. Gaji {legit_pay} + lembur. Perusahaan penempatan: "
        "{agency}, terdaftar resmi. Zero cost, tanpa potong gaji. Datang langsung ke kantor cabang {city}",
        "Info lowongan {legit_job} {legit_dest} dari {agency}. Gaji {legit_pay}. Semua proses sesuai prosedur: "
        "pelatihan, medical resmi, visa kerja, e-PMI. Waspada calo yang mengatasnamakan kami. Kantor: {city}",
    ],
    "legit_g2g": [
        "Pendaftaran {g2g_prog} tahun 2026 dibuka. Pendaftaran gratis, tidak dipungut biaya, melalui SISKOP2MI. "
        "Gaji sesuai standar negara tujuan (kisaran {legit_pay}). Hati-hati calo yang meminta uang.",
        "KP2MI membuka program {g2g_prog} untuk {n} peserta. Syarat: usia 18-39, lulus ujian bahasa, sehat. "
        "Informasi resmi hanya di kp2mi.go.id dan Disnaker kabupaten/kota.",
        "{e} Info resmi: {g2g_prog}. Penempatan tanpa biaya, kontrak kerja ditandatangani sebelum berangkat, "
        "visa kerja. Pelatihan di LPK terdaftar. Tanya Disnaker {region} atau call center KP2MI.",
        "Jadwal ujian {g2g_prog} di {city} telah diumumkan. Peserta yang lulus akan mengikuti orientasi pra pemberangkatan. "
        "Tidak ada biaya pendaftaran. Cek pengumuman di bp2mi.go.id",
        "Disnaker {region} mensosialisasikan {g2g_prog}: gaji {legit_pay}, penempatan melalui jalur resmi G to G, "
        "tanpa biaya penempatan. Pendaftaran di kantor Disnaker, Jl. Merdeka {n}.",
    ],
    "warning": [
        "WASPADA! {source} mengimbau masyarakat tidak tergiur lowongan kerja ke {hotspot} sebagai {cjob} dengan gaji "
        "{scam_pay}, tiket gratis dan visa turis. Itu modus TPPO online scam. Laporkan ke call center 183.",
        "Hati-hati penipuan lowongan kerja! Ciri-cirinya: gaji fantastis {scam_pay}, tanpa pengalaman, semua biaya "
        "ditanggung, hanya lewat WhatsApp, berangkat pakai visa kunjungan. Pastikan perusahaan terdaftar di SISKOP2MI. "
        "Info {source}",
        "{source}: jangan mau berangkat kerja ke {mora} sebagai {dw} lewat visa ziarah/umrah. Penempatan ke pengguna "
        "perseorangan di Timur Tengah masih moratorium. Laporkan calo ke Gugus Tugas TPPO.",
        "Imbauan {source}: lowongan kerja {fee_job} di {fee_dest} yang meminta biaya pendaftaran {fee} ke rekening pribadi "
        "adalah penipuan. UU 18/2017 melarang pembebanan biaya penempatan kepada PMI.",
        "{e} STOP TPPO {e} Modus baru: ditawari kerja {cjob} di {hotspot}, gaji {scam_pay}, transit Bangkok. "
        "Sampai di sana paspor ditahan dan dipaksa menipu. Jangan percaya tawaran kerja dari akun pribadi. #stoptppo",
        "Sosialisasi pencegahan TPPO oleh {source} di {region}: warga diminta waspada terhadap lowongan kerja palsu "
        "di media sosial yang menjanjikan gaji {scam_pay} dan keberangkatan cepat tanpa kontrak.",
        "Kenali lowongan kerja bodong: minta transfer ke rek pribadi, tidak ada alamat kantor, kontak hanya WA, "
        "paspor dipegang agen, gaji dipotong untuk ganti biaya. Cek legalitas P3MI sebelum mendaftar. - {source}",
        "PERINGATAN {source}: marak penipuan berkedok lowongan {cjob} di {hotspot} dan {mora}. Jika menerima tawaran "
        "serupa, hubungi hotline {office}. Jangan serahkan KTP dan paspor kepada orang yang tidak dikenal.",
    ],
    "news": [
        "{police} menggagalkan pengiriman {n} calon PMI non-prosedural ke {np_place} {np_route}. Para korban dijanjikan "
        "gaji {np_pay} di {np_job}. Dua orang ditetapkan sebagai tersangka, ujar Kapolres kepada wartawan.",
        "KBRI Phnom Penh memulangkan {n} WNI korban online scam di {hotspot}. Mereka direkrut lewat media sosial "
        "sebagai {cjob} dengan iming-iming gaji {scam_pay}, katanya.",
        "Seorang warga {region} menjadi korban TPPO setelah berangkat ke {mora} sebagai {dw} menggunakan visa ziarah. "
        "{source} memfasilitasi pemulangan korban, Senin (12/5).",
        "{police} menangkap perekrut yang menawarkan kerja {fee_job} di {fee_dest} dengan biaya {fee} per orang. "
        "Total {n} korban melapor, jelasnya saat dikonfirmasi.",
        "Rapat koordinasi Gugus Tugas PP TPPO {region} membahas kasus PMI non-prosedural. Menurut kepala dinas, {n} "
        "warga dipulangkan dari {np_place} sepanjang tahun ini. Reporter: {name}",
        "Imigrasi menunda keberangkatan {n} WNI tujuan {hotspot} yang diduga akan bekerja sebagai {cjob} dengan visa "
        "turis. Mereka mengaku dijanjikan gaji {scam_pay}, tuturnya.",
        "Sidang kasus TPPO di PN {region}: terdakwa merekrut {n} korban sebagai {dw} ke {mora} dan memungut biaya {fee}. "
        "Jaksa menuntut 7 tahun penjara dan restitusi.",
        "{source} mencatat {n} kasus penipuan lowongan kerja ke {hotspot} selama 2025. Korban umumnya direkrut lewat "
        "WhatsApp, ungkapnya dalam sosialisasi di {city}.",
    ],
    "domestic_job": [
        "Lowongan {djob} di {city}. Gaji {dpay}, BPJS Kesehatan. Tanpa pengalaman boleh, pendidikan min SMA/SMK. "
        "Kirim CV ke email hrd@tokomaju.co.id atau WA {phone}",
        "Dibutuhkan segera {djob} penempatan {city}. Gaji {dpay}, shift pagi/malam. Lamaran diantar langsung ke "
        "Jl. Sudirman No. {n}, {city}.",
        "LOKER {city} {e} posisi {djob}, usia max 30 th, gaji {dpay} + insentif. Interview langsung di kantor kami. "
        "Info: {phone}",
        "Open recruitment {djob} untuk cabang baru di {city}. Benefit: gaji {dpay}, BPJS Ketenagakerjaan, makan siang. "
        "Apply via karirhub.kemnaker.go.id",
        "Toko bangunan di {city} cari {djob}, gaji {dpay}, hari kerja Senin-Sabtu. Yang berminat hubungi Pak {name} {phone}",
        "PT Sinar Retail Nusantara membuka lowongan {djob} area {city}. Gaji {dpay}, jenjang karir jelas. "
        "Walk in interview, bawa CV dan fotokopi KTP.",
        "Butuh {n} orang {djob} untuk gudang di {city}. Gaji {dpay}, lembur dibayar. Hubungi HRD {phone}",
        "Kafe di {city} butuh {djob} part time, gaji {dpay}, jadwal fleksibel. DM atau WA {phone}",
    ],
}
LABELS = {c: 1 for c in SCAM_CATEGORIES} | {c: 0 for c in CLEAN_CATEGORIES}

FILLERS = ["Pria/wanita.", "Usia 18-40 tahun.", "Sehat jasmani dan rohani.", "Terima kasih.", "Share ke teman yang butuh.",
           "Info lebih lanjut hubungi kontak di atas.", "Bisa bahasa Inggris dasar lebih disukai.", "Jujur dan disiplin.",
           "Tidak bertato.", "Belum menikah diutamakan.", "Jam kerja 8 jam.", "Siap ditempatkan.", "Mohon dibantu share.",
           "Semoga bermanfaat.", "Baca sampai habis.", "Salam sukses.", "Kesempatan terbatas.", "Ayo bergabung.",
           "Update hari ini.", "Berlaku untuk seluruh Indonesia.", "Sudah banyak yang berangkat.", "Silakan cek profil kami."]

# Scammers borrow the language of warnings ("bukan penipuan", "waspada penipuan yang mengatasnamakan
# kami"), so the model must not learn that such words mean "not an offer".
SCAM_FILLERS = ["Bukan penipuan!", "100% aman, bukan hoax.", "Waspada penipuan yang mengatasnamakan kami.",
                "Hati-hati oknum yang minta uang, kami resmi.", "Sudah banyak yang berangkat, bukan tipu-tipu.",
                "Bukan hoaks, bisa video call dulu.", "Amanah dan terpercaya."]

_ABBREV = [("yang", "yg"), ("dengan", "dgn"), ("untuk", "utk"), ("tidak", "tdk"), ("sudah", "sdh"), ("bulan", "bln"),
           ("langsung", "lgsg"), ("pengalaman", "pengalaman"), ("hubungi", "hub")]


def _phone(rng: random.Random) -> str:
    digits = "8" + rng.choice("1125789") + "".join(rng.choice("0123456789") for _ in range(rng.choice((8, 9, 10))))
    style = rng.randrange(6)
    if style == 0:
        return f"0{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if style == 1:
        return f"+62 {digits[:3]} {digits[3:7]} {digits[7:]}"
    if style == 2:
        return "62" + digits
    if style == 3:
        return f"0{digits[:3]} {digits[3:7]} {digits[7:]}"
    if style == 4:
        return f"wa.me/62{digits}"
    return "0" + digits


def _account(rng: random.Random) -> str:
    n = "".join(rng.choice("0123456789") for _ in range(rng.choice((10, 10, 13, 15))))
    return n if rng.random() < 0.7 else "-".join((n[:4], n[4:8], n[8:]))


class _Slots(dict):
    def __init__(self, rng: random.Random):
        super().__init__()
        self.rng = rng

    def __missing__(self, key):
        rng = self.rng
        if key == "phone":
            value = _phone(rng)
        elif key == "wa":
            value = "62" + _phone(rng).lstrip("+").replace("-", "").replace(" ", "").lstrip("0").removeprefix("62")
        elif key == "office":
            value = f"(0{rng.choice(['21', '31', '341', '231', '274'])}) {rng.randint(300, 899)}-{rng.randint(1000, 9999)}"
        elif key == "acct":
            value = _account(rng)
        elif key == "tg":
            value = rng.choice(["kerja", "loker", "info", "job", "vip"]) + rng.choice(["asia", "kh", "luar", "cepat"]) + str(
                rng.randint(1, 99))
        elif key == "e":
            value = "".join(rng.choice(EMOJI) for _ in range(rng.randint(0, 3)))
        elif key in ("agency", "licence"):
            agency = rng.choice(sorted(load_registry().by_name.values(), key=lambda a: a.name))
            self["agency"], self["licence"] = agency.name, agency.licence_no
            return self[key]
        else:
            value = rng.choice(V[key])
        self[key] = value
        return value


def _noise(text: str, rng: random.Random, label: int) -> str:
    if label and rng.random() < 0.25:
        text += " " + rng.choice(SCAM_FILLERS)
    if rng.random() < 0.6:
        extra = rng.sample(FILLERS, rng.randint(1, 3))
        text = " ".join(extra) + " " + text if rng.random() < 0.3 else text + " " + " ".join(extra)
    if rng.random() < 0.3:
        for full, short in _ABBREV:
            if rng.random() < 0.5:
                text = text.replace(f" {full} ", f" {short} ")
    if rng.random() < 0.15:
        text = text.upper()
    elif rng.random() < 0.2:
        text = text.lower()
    if rng.random() < 0.35:
        text += " " + " ".join(rng.sample(HASHTAGS, rng.randint(1, 3)))
    if rng.random() < 0.25:
        text = rng.choice(EMOJI) + " " + text
    if rng.random() < 0.2:
        text = text.replace(". ", ".\n", rng.randint(1, 3))
    return text


def templates(category: str, split: str = "all") -> list[tuple[int, str]]:
    items = list(enumerate(T[category]))
    if split == "train":
        return [(i, t) for i, t in items if i % 4 != 3]
    if split == "heldout":
        return [(i, t) for i, t in items if i % 4 == 3]
    return items


def generate(n: int, *, seed: int = 0, split: str = "all", mix: dict | None = None,
             id_prefix: str = "p") -> Iterator[Post]:
    """Yield ``n`` labelled posts, the same ones for the same arguments."""
    rng = random.Random(seed)
    mix = mix or DEFAULT_MIX
    cats = [c for c in mix if templates(c, split)]
    weights = [mix[c] for c in cats]
    pools = {c: templates(c, split) for c in cats}
    for k in range(n):
        cat = rng.choices(cats, weights)[0]
        idx, tpl = rng.choice(pools[cat])
        text = tpl.format_map(_Slots(rng))
        yield Post(f"{id_prefix}{k}", _noise(text, rng, LABELS[cat]), LABELS[cat], cat, f"{cat}:{idx}")


def repost(post: Post, rng: random.Random, new_id: str) -> Post:
    """A repost of the same offer: new phone numbers, a word dropped or added, other emoji."""
    words = post.text.split(" ")
    out = []
    for w in words:
        if any(ch.isdigit() for ch in w) and sum(ch.isdigit() for ch in w) >= 8 and rng.random() < 0.9:
            w = _phone(rng)
        out.append(w)
    if len(out) > 12 and rng.random() < 0.5:
        del out[rng.randrange(len(out))]
    if rng.random() < 0.5:
        out.insert(rng.randrange(len(out) + 1), rng.choice(["segera", "!!", "info", "lagi", "UPDATE", rng.choice(EMOJI)]))
    return Post(new_id, " ".join(out), post.label, post.category, post.template)
