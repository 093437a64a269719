"""Step 2: extract entities from a normalised post.

Phones and Telegram handles come from normalisation; this step adds bank accounts, salaries and
fees (amounts classified by the words before them), destination countries and cities, job types,
visa types, agency names and licence numbers, and checks agencies against the P3MI registry.
Vocabularies come from ``data/gazetteer.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from gugus.watch.normalize import Normalized, normalize
from gugus.watch.resources import load_registry, load_toml


@dataclass(slots=True)
class Money:
    amount: int
    currency: str
    idr: int  # approximate value in rupiah, for comparisons only

    def as_dict(self) -> dict:
        return {"amount": self.amount, "currency": self.currency.upper(), "idr": self.idr}


@dataclass(slots=True)
class Entities:
    phones: list[str] = field(default_factory=list)
    telegram: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    salaries: list[Money] = field(default_factory=list)
    fees: list[Money] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    jobs: list[str] = field(default_factory=list)
    visas: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    licences: list[str] = field(default_factory=list)
    # Registry check: names/licences found in the registry and valid, listed but not valid, not listed.
    agencies_licensed: list[str] = field(default_factory=list)
    agencies_invalid: list[str] = field(default_factory=list)
    agencies_unlisted: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "phones": self.phones,
            "telegram": self.telegram,
            "accounts": self.accounts,
            "salaries": [m.as_dict() for m in self.salaries],
            "fees": [m.as_dict() for m in self.fees],
            "countries": self.countries,
            "cities": self.cities,
            "jobs": self.jobs,
            "visas": self.visas,
            "agencies": self.agencies,
            "licences": self.licences,
            "agencies_licensed": self.agencies_licensed,
            "agencies_invalid": self.agencies_invalid,
            "agencies_unlisted": self.agencies_unlisted,
        }


def _alternation(aliases) -> re.Pattern:
    parts = sorted({a.lower() for a in aliases}, key=len, reverse=True)
    return re.compile(r"(?<![\w])(" + "|".join(re.escape(p) for p in parts) + r")(?![\w])")


@dataclass(frozen=True)
class Gazetteer:
    places_re: re.Pattern
    place_country: dict  # alias -> (country code, city name or None)
    jobs_re: re.Pattern
    job_code: dict
    visas_re: re.Pattern
    visa_code: dict
    accounts_re: re.Pattern
    registry_re: re.Pattern | None
    rates: dict
    country_flags: dict  # code -> {"hotspot": bool, "transit": bool}
    job_flags: dict  # code -> {"domestic": bool, "compound": bool}
    visa_work: dict  # code -> bool


@cache
def gazetteer() -> Gazetteer:
    g = load_toml("gazetteer.toml")
    place_country: dict[str, tuple[str, str | None]] = {}
    flags = {}
    for code, c in g["countries"].items():
        for name in c.get("names", []):
            place_country[name.lower()] = (code, None)
        for city in c.get("cities", []):
            place_country[city.lower()] = (code, city.lower())
        flags[code] = {"hotspot": bool(c.get("hotspot")), "transit": bool(c.get("transit"))}
    job_code, job_flags = {}, {}
    for code, j in g["jobs"].items():
        for a in j["aliases"]:
            job_code[a.lower()] = code
        job_flags[code] = {"domestic": bool(j.get("domestic")), "compound": bool(j.get("compound"))}
    visa_code, visa_work = {}, {}
    for code, v in g["visas"].items():
        for a in v["aliases"]:
            visa_code[a.lower()] = code
        visa_work[code] = bool(v.get("work"))
    banks = sorted(g["banks"]["names"], key=len, reverse=True)
    bank_alt = "|".join(re.escape(b) for b in banks)
    accounts_re = re.compile(
        r"(?<![\w])(?:(?:no\.?\s?)?(?:rekening|rek|norek|account|a/c)\.?\s?(?:bank\s)?(" + bank_alt + r")?"
        r"|(?:bank\s)?(" + bank_alt + r"))\s?[:.]?\s?(?:no\.?\s?|nomor\s)?[:.]?\s?(\d[\d .-]{6,24}\d)(?!\d)"
    )
    registry = load_registry()
    names = [k for k in registry.by_name]
    registry_re = _alternation(names) if names else None
    return Gazetteer(
        places_re=_alternation(place_country),
        place_country=place_country,
        jobs_re=_alternation(job_code),
        job_code=job_code,
        visas_re=_alternation(visa_code),
        visa_code=visa_code,
        accounts_re=accounts_re,
        registry_re=registry_re,
        rates={k: float(v) for k, v in g["rates_idr"].items()},
        country_flags=flags,
        job_flags=job_flags,
        visa_work=visa_work,
    )


_SALARY_WORDS = r"gaji|salary|penghasilan|upah|income|komisi|bonus|pendapatan|digaji|take home|thp|bayaran"
_FEE_WORDS = (
    r"biaya|admin|administrasi|pendaftaran|daftar|dp|transfer|tf|bayar|jaminan|deposit|seragam|medical|mcu"
    r"|fee|potongan|ongkos|pelatihan|uang"
)
_AMOUNT_CONTEXT_RE = re.compile(r"\b(?:(" + _SALARY_WORDS + r")|(" + _FEE_WORDS + r"))\b")
_AGENCY_RE = re.compile(r"\b(?:PT|P\.T\.|CV)\.?\s+((?:[A-Z0-9][\w&'-]*\.?)(?:\s+[A-Z0-9][\w&'-]*\.?){0,4})")
_LICENCE_RE = re.compile(
    r"\b(sip3mi-[a-z0-9][\w./-]{3,40})"
    r"|\b(?:sip3mi|sip[ -]p3mi|siup[ -]?p3mi|sipppmi|izin p3mi)\b"
    r"\s?(?:no\.?|nomor|number)?\s?[:.]?\s?([a-z0-9][\w./-]{3,40})"
)


def _unique(items):
    return list(dict.fromkeys(items))


def extract(norm: Normalized | str) -> Entities:
    """Extract entities from a post (raw text or an already normalised post). Never raises on text."""
    if isinstance(norm, str):
        norm = normalize(norm)
    g = gazetteer()
    text = norm.text
    ent = Entities(phones=list(norm.phones), telegram=list(norm.telegram))

    accounts = []
    for m in g.accounts_re.finditer(text):
        digits = re.sub(r"\D", "", m.group(3))
        if 8 <= len(digits) <= 18:
            bank = (m.group(1) or m.group(2) or "rek").upper()
            accounts.append(f"{bank}:{digits}")
    ent.accounts = _unique(accounts)

    for amount in norm.amounts:
        window = text[max(0, amount.start - 40) : amount.start]
        kind = None
        for m in _AMOUNT_CONTEXT_RE.finditer(window):
            kind = "salary" if m.group(1) else "fee"
        if kind is None:
            continue
        money = Money(amount.value, amount.currency, int(amount.value * g.rates.get(amount.currency, 0)))
        (ent.salaries if kind == "salary" else ent.fees).append(money)

    countries, cities = [], []
    for m in g.places_re.finditer(text):
        code, city = g.place_country[m.group(1)]
        countries.append(code)
        if city:
            cities.append(city)
    ent.countries = _unique(countries)
    ent.cities = _unique(cities)
    ent.jobs = _unique(g.job_code[m.group(1)] for m in g.jobs_re.finditer(text))
    ent.visas = _unique(g.visa_code[m.group(1)] for m in g.visas_re.finditer(text))

    _agencies(norm, ent, g)
    return ent


def _agencies(norm: Normalized, ent: Entities, g: Gazetteer) -> None:
    registry = load_registry()
    names = [re.sub(r"\s+", " ", m.group(1)).strip(" .") for m in _AGENCY_RE.finditer(norm.cased)]
    if g.registry_re is not None:
        names += [registry.by_name[m.group(1)].name for m in g.registry_re.finditer(norm.text)]
    licences = [(m.group(1) or m.group(2)).upper().rstrip(".,;:") for m in _LICENCE_RE.finditer(norm.text)]
    ent.licences = _unique(licences)
    seen_agencies = set()
    for lic in ent.licences:
        agency = registry.find(licence=lic)
        if agency is None:
            ent.agencies_unlisted.append(lic)
            continue
        seen_agencies.add(agency.name)
        (ent.agencies_licensed if agency.is_valid() else ent.agencies_invalid).append(agency.name)
    display = []
    for name in names:
        agency = registry.find(name=name)
        if agency is None:
            display.append("PT " + name if not name.upper().startswith(("PT", "CV")) else name)
            ent.agencies_unlisted.append(display[-1])
            continue
        display.append(agency.name)
        if agency.name in seen_agencies:
            continue
        seen_agencies.add(agency.name)
        (ent.agencies_licensed if agency.is_valid() else ent.agencies_invalid).append(agency.name)
    ent.agencies = _unique(display)
    ent.agencies_licensed = _unique(ent.agencies_licensed)
    ent.agencies_invalid = _unique(ent.agencies_invalid)
    ent.agencies_unlisted = _unique(ent.agencies_unlisted)
