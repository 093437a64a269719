"""The Indonesian normalisers: examples from the domain brief, and properties that must hold for
any input (they never crash, and their output is stable)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gugus.linkage.prepare import (
    nik_distance_at_most_one,
    normalise_name,
    normalise_nik,
    normalise_passport,
    normalise_phone,
    normalise_sex,
    parse_birth_date,
    parse_nik,
    phonetic_key,
    prepare_record,
    resolve_region,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hj. St. Aminah binti Abdullah, S.Pd.", "siti aminah"),
        ("SITI AMINAH", "siti aminah"),
        ("Drs. H. Abd. Rahman S.H.", "abdul rahman"),
        ("Moh. Rizki", "muhammad rizki"),
        ("Muh. Rizki", "muhammad rizki"),
        ("M. Rizki", "muhammad rizki"),
        ("Mhd. Rizki bin Sulaiman", "muhammad rizki"),
        ("Mochammad Rizki", "muhammad rizki"),
        ("Soeparman", "suparman"),
        ("Djoko Soerjadi", "joko suryadi"),
        ("Tjahjono", "cahyono"),
        ("Chairul", "khairul"),
        ("Njoman", "nyoman"),
        ("I Wayan Sudarsana", "wayan sudarsana"),
        ("I Putu Sudarsana", "wayan sudarsana"),
        ("Gede Sudarsana", "wayan sudarsana"),
        ("Ni Kadek Ariani", "made ariani"),
        ("Ni Komang Ariani", "nyoman ariani"),
        ("Ketut Sukerti", "ketut sukerti"),
        ("Yohanes Bria", "yohanes bria"),
        ("Siti", "siti"),
        ("", None),
        ("H.", None),
        ("  ,.- ", None),
    ],
)
def test_normalise_name(raw, expected):
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Muhammad Yusuf", "Mohamad Jusuf"),
        ("Rizki", "Rizky"),
        ("Arifin", "Aripin"),
        ("Fatimah", "Fatima"),
        ("Zulkifli", "Julkifli"),
        ("Khoirul", "Hoirul"),
        ("Aisyah", "Aisah"),
        ("Ahmad", "Achmad"),
    ],
)
def test_phonetic_key_merges_spelling_variants(a, b):
    assert phonetic_key(normalise_name(a)) == phonetic_key(normalise_name(b))


def test_phonetic_key_keeps_different_names_apart():
    assert phonetic_key("siti aminah") != phonetic_key("siti rahmawati")
    assert phonetic_key("budi") != phonetic_key("bayu")


def test_parse_nik_reads_region_date_sex_and_serial():
    parts = parse_nik("3507124509900001", reference_date=dt.date(2025, 1, 1))
    assert parts is not None
    assert (parts.province, parts.regency, parts.district) == ("35", "3507", "350712")
    assert parts.birth_date == "1990-09-05"  # day 45 = 5 + 40: a woman
    assert parts.sex == "P"
    assert parts.serial == "0001"
    man = parse_nik("35.0712.050990.0002", reference_date=dt.date(2025, 1, 1))
    assert man is not None and man.sex == "L" and man.birth_date == "1990-09-05"


def test_parse_nik_century_and_impossible_dates():
    assert parse_nik("3507120101100001", reference_date=dt.date(2025, 1, 1)).birth_date == "2010-01-01"
    broken = parse_nik("3507129913900001")
    assert broken is not None and broken.birth_date is None and broken.sex is None
    assert parse_nik("12345") is None
    assert parse_nik(None) is None


def test_normalise_nik_tolerates_one_digit_more_or_less():
    assert normalise_nik("3507-1245-0990-0001") == "3507124509900001"
    assert normalise_nik("350712450990001") == "350712450990001"  # a digit dropped
    assert normalise_nik("0000000000000000") is None
    assert normalise_nik("-") is None


def test_nik_distance_at_most_one():
    nik = "3507124509900001"
    assert nik_distance_at_most_one(nik, nik)
    assert nik_distance_at_most_one(nik, "3507124509900002")  # one digit mistyped
    assert nik_distance_at_most_one(nik, "3507124509090001")  # neighbours swapped
    assert nik_distance_at_most_one(nik, "350712450990001")  # one digit dropped
    assert not nik_distance_at_most_one(nik, "3507124509900022")
    assert not nik_distance_at_most_one(nik, None)


@pytest.mark.parametrize(
    "raw",
    [
        "081234567890",
        "0812-3456-7890",
        "+62 812 3456 7890",
        "62812-3456-7890",
        "812 3456 7890",
        "(0812) 3456 7890",
        "0062 812 3456 7890",
    ],
)
def test_normalise_phone_to_plus62(raw):
    assert normalise_phone(raw) == "+6281234567890"


@pytest.mark.parametrize("raw", ["", "-", "12", "0812", "08123456789012345", None])
def test_normalise_phone_rejects_non_numbers(raw):
    assert normalise_phone(raw) is None


def test_normalise_passport():
    assert normalise_passport("b 123 4567") == "B1234567"
    assert normalise_passport("X12O4567") == "X1204567"  # letter O typed for zero
    assert normalise_passport("AB1234567") == "AB1234567"
    assert normalise_passport("  ") is None


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("3507", "3507"),
        ("35.07", "3507"),
        ("35.07.12", "3507"),
        ("35", "35"),
        ("Kabupaten Malang", "3507"),
        ("Kab. Malang", "3507"),
        ("MALANG", "3507"),
        ("Kota Malang", "3573"),
        ("Jawa Timur", "35"),
        ("Kota Kupang", "5371"),
        ("Lombok Timur", "5203"),
        ("NTB", "52"),
        ("Atlantis", None),
        ("99", None),
        ("", None),
    ],
)
def test_resolve_region_from_code_or_name(raw, code):
    assert resolve_region(raw) == code


def test_birth_date_and_sex():
    assert parse_birth_date("1990-02-28") == "1990-02-28"
    assert parse_birth_date("1990-02-30") is None
    assert parse_birth_date("28/02/1990") is None
    assert normalise_sex("Perempuan") == "P"
    assert normalise_sex("laki-laki") == "L"
    assert normalise_sex("?") is None


def test_prepare_record_fills_gaps_from_the_nik():
    row = prepare_record({"full_name": "Hj. Siti Aminah", "nik": "3507124509900001"})
    assert row["name"] == "siti aminah"
    assert row["dob"] == "1990-09-05"
    assert row["sex"] == "P"
    assert row["region"] == "3507" and row["province"] == "35"
    # What the record itself says wins over the NIK.
    own = prepare_record({"nik": "3507124509900001", "birth_date": "1990-05-09", "sex": "L"})
    assert own["dob"] == "1990-05-09" and own["sex"] == "L"


text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
digitish = st.text(alphabet="0123456789 .-+()O", max_size=25)


@given(st.one_of(text, digitish))
def test_nik_parsers_never_crash(raw):
    nik = normalise_nik(raw)
    assert nik is None or (nik.isdigit() and 15 <= len(nik) <= 17)
    parts = parse_nik(raw)
    assert parts is None or len(parts.nik) == 16
    if parts is not None and parts.sex is not None:
        assert parts.sex in ("L", "P")


@given(st.one_of(text, digitish))
def test_phone_parser_never_crashes_and_is_idempotent(raw):
    phone = normalise_phone(raw)
    assert phone is None or (phone.startswith("+62") and phone[1:].isdigit())
    if phone is not None:
        assert normalise_phone(phone) == phone


@given(text)
def test_other_normalisers_never_crash(raw):
    name = normalise_name(raw)
    assert name is None or name == name.strip()
    phonetic_key(name)
    normalise_passport(raw)
    resolve_region(raw)
    parse_birth_date(raw)
    prepare_record({"full_name": raw, "nik": raw, "phone": raw, "origin_region": raw, "birth_date": raw})
