"""Scoring: red flags score high with readable reasons; warnings, news and legal placements do not."""

from __future__ import annotations

import pytest

from gugus.watch import resources
from gugus.watch.rules import load_rules
from gugus.watch.screening import Screener

CAMBODIA_SCAM = (
    "LOKER KAMBOJA 🔥 Dibutuhkan customer service, gaji 15jt/bulan, tanpa pengalaman. "
    "Tiket gratis + visa ditanggung, berangkat minggu ini! Minat hubungi WA 0812-3456-7890"
)
KP2MI_WARNING = (
    "WASPADA! KP2MI mengimbau masyarakat tidak tergiur lowongan kerja ke Kamboja sebagai customer service "
    "dengan gaji 15jt, tiket gratis dan cukup hubungi WA. Itu modus TPPO online scam. Laporkan ke call center 183."
)
IOM_WARNING = (
    "IOM Indonesia: hati-hati tawaran kerja customer service di Kamboja, gaji 15 juta, tiket gratis, "
    "hubungi WA saja. Jangan serahkan paspor kepada orang yang tidak dikenal."
)
LICENSED_PLACEMENT = (
    "PT Contoh Karya Migran Sejahtera (SIP3MI-CONTOH/001/2023) membuka lowongan caregiver ke Taiwan. "
    "Gaji NT$ 27.470 sesuai perjanjian kerja. Bebas biaya penempatan sesuai UU 18/2017. "
    "Pendaftaran melalui SISKOP2MI. Alamat kantor: Jl. Raya Bogor No. 12, Jakarta Timur. Telp (021) 555-1234"
)
G2G = (
    "Pendaftaran G to G Korea (EPS-TOPIK) 2026 dibuka. Tidak dipungut biaya, daftar melalui SISKOP2MI. "
    "Hati-hati calo yang meminta uang."
)
NEWS = (
    "Polda Jawa Barat menggagalkan pengiriman 20 calon PMI non-prosedural ke Malaysia lewat Batam. Para korban "
    "dijanjikan gaji 6jt di kebun sawit. Dua orang ditetapkan sebagai tersangka, ujar Kapolres kepada wartawan."
)
DOMESTIC = "Dicari admin toko di Surabaya, gaji UMR, tanpa pengalaman boleh. Kirim CV ke email atau WA 081234567890"
MORATORIUM = (
    "Dibutuhkan ART untuk majikan di Arab Saudi, gaji 7jt. Berangkat pakai visa ziarah, proses cepat, "
    "paspor diurus. Hubungi Bu Siti 0813-1111-2222"
)


def codes(result):
    return {r.code for r in result.reasons}


def test_cambodia_customer_service_offer_scores_high_with_reasons(screener):
    r = screener.screen_one(CAMBODIA_SCAM)
    assert r.level == "high" and r.risk >= 0.9
    expected = {"DEST_SCAM_HOTSPOT", "COMPOUND_JOB", "NO_EXPERIENCE_HIGH_PAY", "COSTS_COVERED", "CHAT_ONLY_CONTACT"}
    assert expected <= codes(r)
    assert r.entities.countries[:1] == ["KH"] and r.entities.phones == ["+6281234567890"]
    for reason in r.reasons:
        assert reason.text["id"] and reason.text["en"]


@pytest.mark.parametrize("text", [KP2MI_WARNING, IOM_WARNING, LICENSED_PLACEMENT, G2G, NEWS, DOMESTIC])
def test_warnings_news_and_legal_placements_do_not_score_high(screener, text):
    r = screener.screen_one(text)
    assert r.level != "high", [(x.code, x.weight) for x in r.reasons]


def test_warning_says_why_it_is_not_an_offer(screener):
    r = screener.screen_one(KP2MI_WARNING)
    assert r.level == "low"
    assert "WARNING_CONTEXT" in codes(r)


def test_scam_borrowing_warning_words_still_scores_high(screener):
    r = screener.screen_one(
        "Lowongan kerja Kamboja admin online gaji 12jt. Bukan penipuan! Waspada penipuan yg mengatasnamakan kami. "
        "Japri 081234567890"
    )
    assert r.level == "high"
    assert "TRUST_ME" in codes(r) and "WARNING_CONTEXT" not in codes(r)


def test_licensed_agency_is_recognised(screener):
    assert "LICENSED_AGENCY" in codes(screener.screen_one(LICENSED_PLACEMENT))


def test_domestic_work_in_a_moratorium_country(screener):
    r = screener.screen_one(MORATORIUM)
    assert r.level == "high"
    assert {"MORATORIUM_DOMESTIC", "NON_WORK_VISA"} <= codes(r)


def test_fee_to_personal_account(screener):
    r = screener.screen_one(
        "Kerja pabrik di Jepang gaji 25jt, biaya pendaftaran Rp 2.000.000 transfer ke rek BCA 1234567890 a.n. Budi"
    )
    assert {"FEE_REQUESTED", "FEE_TO_PERSONAL_ACCOUNT"} <= codes(r)
    assert r.entities.accounts == ["BCA:1234567890"]


def test_every_score_carries_its_versions_and_output_contract(screener):
    r = screener.screen_one(CAMBODIA_SCAM, post_id="a1")
    assert r.rules_version == load_rules().version
    assert r.model_version.startswith("tfidf-lr-")
    out = r.as_output("en")
    assert set(out) == {"id", "risk", "level", "reasons", "duplicate_of", "entities"}
    assert set(out["entities"]) == {"phones", "accounts", "countries"}
    assert all(set(x) == {"code", "text"} for x in out["reasons"])
    assert out["reasons"] != r.as_output("id")["reasons"]
    assert 0.0 <= out["risk"] <= 1.0


def test_model_reason_names_key_terms(screener):
    model_reasons = [x for x in screener.screen_one(CAMBODIA_SCAM).reasons if x.code == "MODEL_TEXT"]
    assert model_reasons and "p=" in model_reasons[0].text["en"]


def test_rules_file_fails_fast_on_unknown_feature(tmp_path, monkeypatch, trained_model):
    bad = (resources.PACKAGE_DATA / "rules.toml").read_text(encoding="utf-8")
    bad = bad.replace('all = ["dest_hotspot"]', 'all = ["dest_hotpsot"]', 1)
    (tmp_path / "watch").mkdir()
    (tmp_path / "watch" / "rules.toml").write_text(bad, encoding="utf-8")
    monkeypatch.setattr(resources, "data_dir", lambda: tmp_path)
    resources.clear_caches()
    load_rules.cache_clear()
    try:
        with pytest.raises(ValueError, match="dest_hotpsot"):
            Screener(model=trained_model)
    finally:
        monkeypatch.undo()
        resources.clear_caches()
        load_rules.cache_clear()
