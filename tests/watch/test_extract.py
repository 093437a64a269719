"""Normalisation and extraction: phones, links, money, accounts, places, jobs, visas, agencies."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gugus.watch.extract import extract
from gugus.watch.normalize import normalize, normalize_phone, parse_number


@pytest.mark.parametrize(
    "raw",
    [
        "0812-3456-7890",
        "0812 3456 7890",
        "081234567890",
        "0812.3456.7890",
        "(0812) 3456-7890",
        "+62 812 3456 7890",
        "+62-812-3456-7890",
        "+62 (0) 812 3456 7890",
        "62812-3456-7890",
        "6281234567890",
        "006281234567890",
        "wa.me/6281234567890",
        "https://wa.me/+6281234567890?text=halo",
        "https://api.whatsapp.com/send?phone=6281234567890",
    ],
)
def test_indonesian_mobile_in_many_formats(raw):
    ent = extract(f"Minat hubungi {raw} ya kak")
    assert ent.phones == ["+6281234567890"]


def test_foreign_and_landline_numbers():
    ent = extract("Kantor (021) 555-1234, agen Kamboja +855 12 345 678")
    assert "+62215551234" in ent.phones
    assert "+85512345678" in ent.phones


def test_telegram_handle_and_link_tokens():
    norm = normalize("Gabung t.me/lokerasia99 atau https://bit.ly/xyz")
    assert norm.telegram == ["lokerasia99"]
    assert "__tg__" in norm.text and "__url__ bit.ly" in norm.text


def test_phone_normaliser_rejects_non_phones():
    assert normalize_phone("12345") is None
    assert normalize_phone("0812") is None


@pytest.mark.parametrize(
    ("raw", "value", "currency"),
    [
        ("gaji 15jt", 15_000_000, "idr"),
        ("gaji 15 juta", 15_000_000, "idr"),
        ("gaji 17jtan", 17_000_000, "idr"),
        ("gaji Rp 15.000.000/bulan", 15_000_000, "idr"),
        ("gaji Rp15.000.000", 15_000_000, "idr"),
        ("gaji 2,5jt", 2_500_000, "idr"),
        ("gaji 1.500 USD", 1_500, "usd"),
        ("gaji $1,200", 1_200, "usd"),
        ("gaji RM 2.500", 2_500, "myr"),
        ("gaji NT$ 27.470", 27_470, "twd"),
        ("gaji 2.000 SAR", 2_000, "sar"),
        ("gaji 500rb per minggu", 500_000, "idr"),
        ("gaji Rp. 15.000.000,- per bulan", 15_000_000, "idr"),
        ("gaji 15.000.000/bulan", 15_000_000, "idr"),
        ("gaji: 15000000", 15_000_000, "idr"),
        ("salary IDR 15 juta", 15_000_000, "idr"),
        ("gaji USD 1,500", 1_500, "usd"),
        ("gaji ¥180.000", 180_000, "jpy"),
    ],
)
def test_salaries_are_read_the_way_posts_write_them(raw, value, currency):
    ent = extract(raw)
    assert [(m.amount, m.currency) for m in ent.salaries] == [(value, currency)]


def test_salary_and_fee_are_told_apart_and_converted():
    ent = extract("Gaji 1.500 USD, biaya admin Rp 500.000 transfer dulu")
    assert ent.salaries[0].idr >= 20_000_000
    assert [(m.amount, m.currency) for m in ent.fees] == [(500_000, "idr")]


def test_parse_number_edge_cases():
    assert parse_number("15.000.000", None) == 15_000_000
    assert parse_number("1,5", "jt") == 1_500_000
    assert parse_number("1.2.3", None) is None


def test_bank_accounts_are_not_phones():
    ent = extract("Biaya pendaftaran transfer ke rek BCA 0812345678 a.n. Budi, atau BRI 0123-01-012345-50-3")
    assert "BCA:0812345678" in ent.accounts
    assert "BRI:012301012345503" in ent.accounts
    assert ent.phones == []


def test_places_jobs_and_visas():
    ent = extract("Dicari customer service di Sihanoukville, berangkat visa turis transit Bangkok")
    assert ent.countries[:1] == ["KH"] and "TH" in ent.countries
    assert "sihanoukville" in ent.cities
    assert ent.jobs == ["customer_service"]
    assert ent.visas == ["tourist"]


def test_fee_word_admin_is_not_a_job():
    assert "admin" not in extract("biaya admin 500rb").jobs


def test_agencies_are_checked_against_the_registry():
    ent = extract(
        "PT Contoh Karya Migran Sejahtera (SIP3MI-CONTOH/001/2023) dan PT Maju Jaya Abadi; "
        "PT Sampel Restu Ibu Migran juga buka"
    )
    assert "PT Contoh Karya Migran Sejahtera" in ent.agencies_licensed
    assert "PT Maju Jaya Abadi" in ent.agencies_unlisted
    assert "PT Sampel Restu Ibu Migran" in ent.agencies_invalid  # revoked in the sample registry


def test_emoji_and_fancy_fonts_are_normalised():
    norm = normalize("🔥𝐋𝐎𝐊𝐄𝐑 𝐊𝐀𝐌𝐁𝐎𝐉𝐀🔥 ＧＡＪＩ １５ＪＴ")
    assert norm.text == "loker kamboja gaji 15000000 idr"


_NUMBERISH = st.text(alphabet="0123456789+-. ()/,:$RrPpJjTtKkwa", max_size=60)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_normaliser_and_extractors_never_crash_on_any_text(text):
    norm = normalize(text)
    assert isinstance(norm.text, str)
    ent = extract(norm)
    assert all(p.startswith("+") for p in ent.phones)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_NUMBERISH, st.sampled_from(["gaji", "rek bca", "wa.me/", "biaya", "t.me/", "rp", "jt"])),
                max_size=12))
def test_extractors_never_crash_on_number_soup(parts):
    ent = extract(" ".join(parts))
    for money in ent.salaries + ent.fees:
        assert money.amount > 0
