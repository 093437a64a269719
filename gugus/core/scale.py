"""A synthetic national case registry at scale: ``gugus demo-data --persons N [--cases M]``.

What it makes (proportions from docs/demo-data.md, after the SIMFONI-PPA, Polri Satgas TPPO, Kemlu and
BP2MI figures in the domain brief):

* cases reported 2018–2025, growing year on year as SIMFONI-PPA's counts do, each in one of the
  :data:`SCENARIOS` (domestic sexual exploitation of girls, domestic work in Malaysia and the Middle East,
  online-scam compounds in Cambodia / Myanmar / Laos, plantations, fishing crews, child labour, bride
  trafficking to China, forced begging);
* victims (about half children, mostly women and girls), perpetrators with their HTCDS roles, witnesses;
  persons come from the real provinces and kabupaten/kota (Jawa Timur, Jawa Tengah, Jawa Barat and NTB
  first), with names in the ways agencies write them (:mod:`gugus.linkage.synthetic`), NIKs that encode
  region, birth date and sex, and phone numbers — identifiers encrypted and blind-indexed;
* recruitment, transit and exploitation events with places, partial dates, means of control and
  recruitment methods; criminal-process stage histories that follow ``stages.toml``; charged articles,
  verdicts with restitution, stored identification assessments, recruitment agencies;
* persons not (yet) linked to a case: ≈10 % of the requested persons.

Why this bypasses the per-row actions: at a million persons the actions' per-row validation, per-row
audit events and per-row denormalised refreshes would take hours, and an audit trail of synthetic data
means nothing. Rows are written with ``bulk_create`` in batches, and **one** audit event
``demo.generate`` records the whole run (seed, counts). Everything the actions would compute is computed
here with the same helpers, so the data is indistinguishable from data entered through the actions:

* ``Person.name_normalised`` / ``name_phonetic`` by :func:`gugus.cases.actions._set_name`, and the name
  search's word index by :func:`gugus.cases.name_index.index_names`;
* identifiers normalised by :func:`gugus.cases.identifiers.normalise_identifier`, encrypted by the
  model field and indexed by :func:`gugus.core.crypto.blind_index`;
* ``Participant.age_at_events`` / ``is_child`` from the person's age on the first event date (else the
  report date), as :func:`gugus.cases.actions.add_participant` and ``_refresh_child_flags`` do;
* ``Case.current_stage`` = the last stage recorded (histories pass :func:`gugus.cases.stages.check_history`),
  ``has_child_victim`` = any victim a child, ``exploitation_types`` = the union of the events' types;
* case references in the ``create_case`` numbering (``TPPO/<scope>/<year>/<n>``), continuing any
  numbers already in the database;
* identification results computed by :func:`gugus.cases.identification.assess`.

Deterministic for a given seed and database starting state. Owner agencies are the demo's where they
fit the region (Polres Malang, Polres Lombok Timur, Polda Jawa Timur, …); elsewhere a "Polres <kab/kota>"
or "Polda <provinsi>" agency is created through :func:`gugus.accounts.actions.create_agency`.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.db import transaction
from django.db.models import Max

from gugus.accounts import actions as accounts
from gugus.accounts.models import Agency, AgencyKind, Level
from gugus.audit.actions import record_event
from gugus.cases import identification as idn
from gugus.cases.actions import _set_name
from gugus.cases.identifiers import normalise_identifier
from gugus.cases.models import (
    Case,
    CaseOrganisation,
    ChargedArticle,
    DatePrecision,
    Identification,
    Participant,
    ParticipantRole,
    Person,
    PersonIdentifier,
    StageEntry,
    TraffickingEvent,
    Verdict,
)
from gugus.cases.name_index import index_names
from gugus.core import crypto
from gugus.linkage import synthetic
from gugus.regions.models import Country, Region

CHILD_AGE = 18

# --- proportions --------------------------------------------------------------------------------------------

#: Cases per report year: SIMFONI-PPA 2018–2021 (184, 191, 382, 624), then the 2022–2023 rise (Polri
#: Satgas TPPO: 831 cases in eight months of 2023) and a plateau.
YEAR_WEIGHTS = {2018: 184, 2019: 191, 2020: 382, 2021: 624, 2022: 820, 2023: 1250, 2024: 1150, 2025: 1200}

#: Province of origin of victims (BP2MI: Jawa Timur, Jawa Tengah, Jawa Barat, NTB first; NTT, Lampung,
#: Sumatera Utara, Kalimantan Barat follow). Provinces not listed share the remainder evenly.
ORIGIN_WEIGHTS = {
    "35": 18, "33": 14, "32": 14, "52": 10, "53": 6, "18": 4, "12": 4, "61": 3, "36": 3, "73": 3,
    "31": 2, "21": 2, "51": 1.5, "16": 1.5, "34": 1, "11": 1,
}
OTHER_PROVINCES_WEIGHT = 12

#: Where exploitation within Indonesia and transit happen: Batam, Jakarta, Surabaya, Denpasar, Medan,
#: Nunukan (Malaysian border), Tanjung Pinang, Pontianak, Kupang, Jayapura, Timika.
DOMESTIC_HOTSPOTS = ["21.71", "31.71", "31.74", "35.78", "51.71", "12.71", "65.03", "21.72", "61.71", "53.71",
                     "91.71", "93.01", "32.01", "36.03"]
TRANSIT_BY_COUNTRY = {"MY": ["21.71", "65.03", "21.72", "61.71"], "SG": ["21.71"]}


@dataclass(frozen=True)
class Scenario:
    """One pattern of trafficking, with everything a case of that pattern needs."""

    code: str
    weight: float
    summary: str
    victims: tuple[tuple[int, float], ...]  # (count, weight)
    child_share: float  # of victims
    female_share: float
    adult_ages: tuple[int, int]
    child_ages: tuple[int, int]
    destinations: tuple[tuple[str, tuple[str, ...], float], ...]  # (country or "ID", cities, weight)
    exploitation: tuple[str, ...]
    industry: str = ""
    transit: tuple[tuple[str, str], ...] = ()  # (country, city) abroad; Indonesian transit is by hotspot
    methods: tuple[str, ...] = ()
    recruitment: tuple[str, ...] = ("ThroughOnlineSocialNetworks",)
    platforms: tuple[str, ...] = ("Facebook", "WhatsApp")
    perpetrator_roles: tuple[tuple[str, ...], ...] = (("RecruiterOrIntermediary",),)
    purpose: tuple[str, ...] = ("forced_labour",)
    means: tuple[str, ...] = ("deception",)
    ilo: tuple[str, ...] = ()
    non_procedural: tuple[str, ...] = ()
    agency_org: bool = False


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "sexual_domestic", 42,
        "Korban direkrut lewat media sosial dengan janji pekerjaan sebagai pelayan kafe, lalu dipekerjakan "
        "sebagai pekerja seks di {place}.",
        victims=((1, 60), (2, 22), (3, 10), (5, 5), (8, 3)), child_share=0.86, female_share=0.97,
        adult_ages=(18, 26), child_ages=(13, 17),
        destinations=(("ID", (), 1.0),), exploitation=("SexualExploitation",),
        methods=("FalsePromises", "DebtBondage", "PsychologicalAbuse", "TakesEarnings", "WithholdsDocuments",
                 "PhysicalThreats"),
        recruitment=("ThroughOnlineSocialNetworks", "ThroughFriendsOrSocialEvents", "ThroughLocalBrokerOrSponsor"),
        platforms=("Facebook", "Instagram", "WhatsApp", "TikTok", "Other"),
        perpetrator_roles=(("RecruiterOrIntermediary",), ("HarbouredIndividual", "Exploiter"),
                           ("ControlledIndividual", "Exploiter"), ("Transporter",)),
        purpose=("prostitution",), means=("deception", "abuse_of_power_or_vulnerability", "debt_bondage"),
    ),
    Scenario(
        "domestic_work_abroad", 22,
        "Korban diberangkatkan sebagai pekerja rumah tangga ke {place} tanpa melalui P3MI resmi; paspor "
        "ditahan majikan dan gaji tidak dibayar.",
        victims=((1, 70), (2, 15), (3, 8), (6, 5), (12, 2)), child_share=0.06, female_share=0.95,
        adult_ages=(19, 45), child_ages=(16, 17),
        destinations=(("MY", ("Kuala Lumpur", "Johor Bahru", "Penang", "Kota Kinabalu"), 0.45),
                      ("SA", ("Riyadh", "Jeddah", "Dammam"), 0.25), ("AE", ("Dubai", "Abu Dhabi"), 0.1),
                      ("QA", ("Doha",), 0.05), ("KW", ("Kuwait City",), 0.05), ("JO", ("Amman",), 0.03),
                      ("SG", ("Singapore",), 0.04), ("HK", ("Hong Kong",), 0.03)),
        exploitation=("ForcedLabour",), industry="T_ActivitiesOfHouseholdsAsEmployers",
        methods=("WithholdsDocuments", "TakesEarnings", "ExcessiveWorkingHours", "RestrictsFinancialAccess",
                 "PhysicalAbuse", "WithholdsNecessities", "FalsePromises"),
        recruitment=("ThroughLocalBrokerOrSponsor", "ThroughFamilyOrFamilyEvents", "ThroughOnlineSocialNetworks",
                     "ThroughRecruitmentAgency"),
        platforms=("Facebook", "WhatsApp"),
        perpetrator_roles=(("RecruiterOrIntermediary",), ("BrokerTravelAgent",), ("Transporter",),
                           ("HarbouredIndividual",)),
        purpose=("forced_labour",), means=("deception", "debt_bondage"),
        ilo=("deception", "retention_of_identity_documents", "withholding_of_wages", "excessive_overtime",
             "isolation"),
        non_procedural=("tourist_or_visit_visa", "no_licensed_agency", "moratorium_country", "not_registered"),
        agency_org=True,
    ),
    Scenario(
        "online_scam", 7,
        "Korban tergiur lowongan 'customer service' bergaji tinggi di {place}, masuk melalui negara ketiga, "
        "lalu dipaksa menjalankan penipuan daring di sebuah kompleks dan disiksa bila tidak mencapai target.",
        victims=((1, 45), (2, 25), (4, 18), (8, 9), (20, 3)), child_share=0.02, female_share=0.45,
        adult_ages=(19, 35), child_ages=(17, 17),
        destinations=(("KH", ("Sihanoukville", "Phnom Penh", "Bavet", "Poipet"), 0.55),
                      ("MM", ("Myawaddy", "Shwe Kokko"), 0.25), ("LA", ("Golden Triangle SEZ",), 0.1),
                      ("PH", ("Pasay", "Manila"), 0.1)),
        exploitation=("ForcedLabour",), industry="J_InformationAndCommunication",
        transit=(("TH", "Bangkok"), ("TH", "Mae Sot"), ("MY", "Kuala Lumpur"), ("VN", "Ho Chi Minh City")),
        methods=("FalsePromises", "WithholdsDocuments", "PhysicalAbuse", "DebtBondage", "RestrictsFinancialAccess",
                 "ExcessiveWorkingHours", "PhysicalThreats"),
        recruitment=("ThroughOnlineSocialNetworks", "ThroughAnOnlineAdvertisement", "ThroughFriendsOrSocialEvents"),
        platforms=("Facebook", "Telegram", "Instagram", "WhatsApp", "TikTok"),
        perpetrator_roles=(("RecruiterOrIntermediary",), ("BrokerTravelAgent",), ("Transporter", "Smuggler")),
        purpose=("forced_criminality",), means=("deception", "confinement", "use_of_violence"),
        ilo=("deception", "restriction_of_movement", "physical_and_sexual_violence",
             "retention_of_identity_documents", "debt_bondage", "excessive_overtime"),
        non_procedural=("tourist_or_visit_visa", "visa_free_entry", "no_work_contract"),
    ),
    Scenario(
        "plantation_construction", 5,
        "Korban dijanjikan pekerjaan di perkebunan sawit/proyek bangunan di {place}, menyeberang lewat jalur "
        "tidak resmi, dan terjerat utang biaya keberangkatan.",
        victims=((1, 50), (2, 20), (4, 20), (10, 10)), child_share=0.1, female_share=0.4,
        adult_ages=(19, 45), child_ages=(15, 17),
        destinations=(("MY", ("Sabah", "Sarawak", "Johor"), 0.85), ("ID", (), 0.15)),
        exploitation=("ForcedLabour",), industry="A_AgricultureForestryAndFishing",
        methods=("DebtBondage", "WithholdsDocuments", "TakesEarnings", "ExcessiveWorkingHours"),
        recruitment=("ThroughLocalBrokerOrSponsor", "ThroughFamilyOrFamilyEvents", "ThroughFriendsOrSocialEvents"),
        platforms=("WhatsApp", "Facebook"),
        perpetrator_roles=(("RecruiterOrIntermediary",), ("Transporter", "Smuggler"), ("Exploiter",)),
        purpose=("forced_labour",), means=("deception", "debt_bondage"),
        ilo=("deception", "debt_bondage", "withholding_of_wages", "abusive_working_and_living_conditions"),
        non_procedural=("irregular_border_crossing", "no_licensed_agency", "not_registered"),
    ),
    Scenario(
        "fishing_crew", 1.5,
        "Korban direkrut sebagai anak buah kapal penangkap ikan berbendera asing ({place}); jam kerja tanpa "
        "batas, gaji dipotong, dokumen ditahan agen.",
        victims=((1, 40), (3, 35), (6, 20), (12, 5)), child_share=0.1, female_share=0.0,
        adult_ages=(18, 40), child_ages=(16, 17),
        destinations=(("TW", ("Kaohsiung",), 0.35), ("KR", ("Busan",), 0.15), ("ZA", ("Cape Town",), 0.1),
                      ("FJ", ("Suva",), 0.1), ("ID", (), 0.3)),
        exploitation=("ForcedLabour",), industry="FishingAndAquaculture",
        methods=("ExcessiveWorkingHours", "TakesEarnings", "WithholdsDocuments", "PhysicalAbuse", "DebtBondage"),
        recruitment=("ThroughRecruitmentAgency", "ThroughLocalBrokerOrSponsor"),
        platforms=("WhatsApp", "Facebook"),
        perpetrator_roles=(("RecruiterOrIntermediary",), ("BrokerTravelAgent",), ("Exploiter",)),
        purpose=("forced_labour",), means=("deception", "debt_bondage"),
        ilo=("excessive_overtime", "withholding_of_wages", "retention_of_identity_documents", "isolation"),
        non_procedural=("no_work_contract", "placement_fees_charged"), agency_org=True,
    ),
    Scenario(
        "child_labour", 12,
        "Anak direkrut dari kampungnya dan dipekerjakan di {place} (warung, rumah makan, rumah tangga) tanpa "
        "upah yang layak dan tanpa bersekolah.",
        victims=((1, 60), (2, 25), (4, 15)), child_share=1.0, female_share=0.7,
        adult_ages=(18, 18), child_ages=(11, 17),
        destinations=(("ID", (), 1.0),), exploitation=("ChildLabour",), industry="",
        methods=("WithholdsNecessities", "ExcessiveWorkingHours", "TakesEarnings", "PsychologicalAbuse"),
        recruitment=("ThroughFamilyOrFamilyEvents", "ThroughLocalBrokerOrSponsor", "ThroughFriendsOrSocialEvents"),
        platforms=("WhatsApp",),
        perpetrator_roles=(("RecruiterOrIntermediary",), ("Exploiter",)),
        purpose=("forced_labour",), means=("abuse_of_power_or_vulnerability", "deception"),
    ),
    Scenario(
        "bride_trafficking", 5,
        "Korban dinikahkan dengan warga negara asing melalui perantara ('pengantin pesanan') dan dibawa ke "
        "{place}, lalu dipaksa bekerja dan diisolasi.",
        victims=((1, 80), (2, 15), (4, 5)), child_share=0.3, female_share=1.0,
        adult_ages=(18, 26), child_ages=(15, 17),
        destinations=(("CN", ("Hebei", "Henan", "Shandong"), 0.9), ("TW", ("Taipei",), 0.1)),
        exploitation=("ForcedMarriage",),
        methods=("FalsePromises", "WithholdsDocuments", "SexualAbuse", "PsychologicalAbuse"),
        recruitment=("ThroughLocalBrokerOrSponsor", "ThroughFamilyOrFamilyEvents"),
        platforms=("WeChat", "WhatsApp"),
        perpetrator_roles=(("RecruiterOrIntermediary",), ("SoldIndividual",), ("BoughtIndividual",)),
        purpose=("forced_marriage",), means=("deception", "payment_or_benefit"),
        non_procedural=("falsified_documents",),
    ),
    Scenario(
        "forced_begging", 3,
        "Korban dibawa ke {place} dan dipaksa mengemis di persimpangan jalan; hasilnya diambil pelaku.",
        victims=((1, 50), (3, 30), (6, 20)), child_share=0.75, female_share=0.5,
        adult_ages=(18, 70), child_ages=(6, 15),
        destinations=(("ID", (), 1.0),), exploitation=("ForcedBegging",),
        methods=("TakesEarnings", "PhysicalThreats", "WithholdsNecessities"),
        recruitment=("ThroughFamilyOrFamilyEvents", "Other"), platforms=("WhatsApp",),
        perpetrator_roles=(("ControlledIndividual", "Exploiter"),),
        purpose=("forced_begging",), means=("abuse_of_power_or_vulnerability",),
    ),
)

#: The furthest criminal-process stage reached, by share of cases (the rest of the path is implied).
STAGE_ENDS = (
    (None, 14),  # a service or repatriation case without a police report
    ("lp", 6), ("penyelidikan", 10), ("penyidikan", 14), ("berkas_dikirim", 5), ("p18_p19", 5),
    ("p21", 8), ("tahap_2", 4), ("penuntutan", 5), ("putusan", 7), ("upaya_hukum", 2), ("inkracht", 9),
    ("restitusi_dibayar", 3), ("restitusi_diganti_kurungan", 2), ("dihentikan", 6),
)
MAIN_PATH = ("lp", "penyelidikan", "penyidikan", "berkas_dikirim", "p21", "tahap_2", "penuntutan", "putusan",
             "inkracht")
STAGE_DOCS = {"lp": "LP/B/{n}/{m}/{y}/SPKT", "penyidikan": "SPDP/{n}/{m}/{y}/Reskrim", "p21": "B-{n}/P-21/{y}",
              "p18_p19": "B-{n}/P-19/{y}", "tahap_2": "B-{n}/P-22/{y}", "putusan": "{n}/Pid.Sus/{y}/PN",
              "dihentikan": "SP3/{n}/{y}"}
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

PERPETRATORS = ((0, 1, 2, 3, 4), (8, 52, 25, 10, 5))
WITNESSES = ((0, 1, 2), (60, 28, 12))
PERPETRATOR_MEAN = sum(n * w for n, w in zip(*PERPETRATORS, strict=True)) / sum(PERPETRATORS[1])
WITNESS_MEAN = sum(n * w for n, w in zip(*WITNESSES, strict=True)) / sum(WITNESSES[1])
P3MI_WORDS = (('Bina', 'Mitra', 'Karya', 'Sinar', 'Duta'), ('Tenaga', 'Jasa', 'Insani', 'Mandiri'),
              ('Utama', 'Abadi', 'Sejahtera'))
VICTIM_RELATIONSHIPS = (("Acquainted", 55), ("Unaquainted", 30), ("Familial", 15))


# --- helpers --------------------------------------------------------------------------------------------------

def weighted(rng: random.Random, pairs):
    items = [p[0] for p in pairs]
    return rng.choices(items, [p[-1] for p in pairs])[0]


def partial_date(rng: random.Random, day: dt.date) -> tuple[dt.date, str]:
    """Dates as sources give them: mostly a day, sometimes only a month or a year."""
    roll = rng.random()
    if roll < 0.12:
        return day.replace(day=1), DatePrecision.MONTH
    if roll < 0.16:
        return day.replace(month=1, day=1), DatePrecision.YEAR
    return day, DatePrecision.DAY


def nik_for(rng: random.Random, district_code: str, birth: dt.date, female: bool) -> str:
    """A NIK as Dukcapil writes it: kecamatan code, birth date (+40 for women), a serial."""
    digits = district_code.replace(".", "")
    digits = (digits + f"{rng.randint(1, 20):02d}")[:6] if len(digits) < 6 else digits[:6]
    day = birth.day + (40 if female else 0)
    return f"{digits}{day:02d}{birth.month:02d}{birth.year % 100:02d}{rng.randint(1, 120):04d}"


def phone_for(rng: random.Random) -> str:
    return "08" + rng.choice(synthetic._MOBILE)[1:] + "".join(rng.choices("0123456789", k=rng.choice((8, 8, 9))))


def stage_path(rng: random.Random, end: str | None) -> list[str]:
    """A stage history ending at ``end`` that ``stages.toml`` allows (with the odd P-19 loop or appeal)."""
    if end is None:
        return []
    if end == "dihentikan":
        return [*MAIN_PATH[:rng.choice((1, 2, 3))], "dihentikan"]
    path: list[str] = []
    for code in MAIN_PATH:
        if code == "penyelidikan" and end != code and rng.random() < 0.2:
            continue  # straight from the report to the investigation
        if code == "p21" and rng.random() < 0.3:
            path += ["p18_p19", "penyidikan", "berkas_dikirim"]  # the file came back once (P-19)
        if code == "p21" and end == "p18_p19":
            return [*path, "p18_p19"]
        path.append(code)
        if code == end:
            return path
        if code == "putusan":
            if end == "upaya_hukum":
                return [*path, "upaya_hukum"]
            if rng.random() < 0.15:
                path += ["upaya_hukum", "putusan"]  # appeal decided
    return [*path, end]  # restitution after inkracht


class Names:
    """Indonesian names from the linkage generator's pools: as an agency writes them (titles, old
    spellings, capitals, the odd typo) or clean, as a person would spell their own name."""

    def __init__(self, rng: random.Random, seed: int) -> None:
        self.rng = rng
        self.gen = synthetic.Generator(seed)
        self.gen.rng = rng

    def truth(self, sex: str) -> synthetic.Person:
        gen, rng = self.gen, self.rng
        group_name = rng.choices(gen.group_names, gen.group_weights)[0]
        group = gen.groups[group_name]
        key = "female" if sex == "F" else "male"
        first = gen._given(group_name, key, "first")
        last = None if rng.random() < group["single_name"] else gen._given(group_name, key, "last")
        father = synthetic._zipf(rng, group["fathers"]) if "fathers" in group and rng.random() < 0.3 else None
        order = rng.choice((0, 0, 1, 1, 2, 3)) if group.get("balinese") else None
        return synthetic.Person(0, "P" if sex == "F" else "L", first, None, last if last != first else None,
                                group_name, order, father, dt.date(2000, 1, 1), "", "", None, None)

    def written(self, sex: str) -> str:
        gen = self.gen
        return gen._name(self.truth(sex), self.rng.choices(gen.agency_names, gen.agency_weights)[0])[:200]

    def clean(self, sex: str) -> str:
        truth = self.truth(sex)
        tokens = [truth.first, truth.last or ""]
        if truth.birth_order is not None:
            tokens.insert(0, synthetic._BALI_ORDER[truth.birth_order][0])
            tokens.insert(0, "Ni" if sex == "F" else "I")
        return " ".join(t for t in tokens if t)


@dataclass(slots=True)
class PersonDraft:
    """A person as the generator knows them (kept for reuse across cases)."""

    id: int
    sex: str
    birth: dt.date | None
    estimated_age: int | None = None
    estimated_on: dt.date | None = None

    def age_on(self, day: dt.date) -> int | None:
        if self.birth:
            return day.year - self.birth.year - ((day.month, day.day) < (self.birth.month, self.birth.day))
        if self.estimated_age is not None and self.estimated_on:
            return self.estimated_age + (day - self.estimated_on).days // 365
        return None


@dataclass
class ScaleResult:
    persons: int = 0
    cases: int = 0
    participants: int = 0
    events: int = 0
    stages: int = 0
    identifiers: int = 0
    verdicts: int = 0
    identifications: int = 0
    seconds: float = 0.0
    victims: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "victims"} | {"victims": dict(self.victims)}


class _Places:
    """The regions and countries that exist in this database (tests load only a few provinces)."""

    def __init__(self) -> None:
        rows = list(Region.objects.filter(level__in=(1, 2, 3), active=True).values_list("code", "level", "name"))
        self.names = {code: name for code, _level, name in rows}
        self.provinces = sorted(c for c, level, _n in rows if level == 1)
        self.regencies: dict[str, list[str]] = defaultdict(list)
        self.districts: dict[str, list[str]] = defaultdict(list)
        for code, level, _name in rows:
            if level == 2:
                self.regencies[code[:2]].append(code)
            elif level == 3:
                self.districts[code[:5]].append(code)
        self.provinces = [p for p in self.provinces if self.regencies[p]]
        if not self.provinces:
            raise RuntimeError("No regions loaded: run `gugus load-regions` first.")
        self.origin_weights = [ORIGIN_WEIGHTS.get(p, OTHER_PROVINCES_WEIGHT / 22) for p in self.provinces]
        self.hotspots = [c for c in DOMESTIC_HOTSPOTS if c in self.names] or [
            r for p in self.provinces for r in self.regencies[p]][:5]
        self.countries = set(Country.objects.values_list("code", flat=True))

    def origin(self, rng: random.Random) -> tuple[str, str]:
        """(kab/kota, kecamatan or kab/kota) of someone's origin."""
        province = rng.choices(self.provinces, self.origin_weights)[0]
        regency = rng.choice(self.regencies[province])
        districts = self.districts.get(regency)
        return regency, (rng.choice(districts) if districts else regency)

    def hotspot(self, rng: random.Random, avoid: str = "") -> str:
        options = [h for h in self.hotspots if h != avoid] or self.hotspots
        return rng.choice(options)


class _Agencies:
    """Owner agencies by scope: the demo's where they fit, else created once as Polres / Polda."""

    def __init__(self, places: _Places) -> None:
        self.places = places
        self.by_scope: dict[str, Agency] = {}
        for agency in Agency.objects.filter(kind=AgencyKind.POLICE).order_by("id"):
            key = agency.region_id or ("" if agency.level == Level.NATIONAL else None)
            if key is not None:
                self.by_scope.setdefault(key, agency)
        self.kbri = Agency.objects.filter(level=Level.ABROAD, country_id="KH").order_by("id").first()

    def for_scope(self, scope: str) -> Agency:
        agency = self.by_scope.get(scope)
        if agency is None:
            if scope == "":
                name, level = "Bareskrim Polri (data sintetis)", Level.NATIONAL
            elif "." in scope:
                name, level = f"Polres {self.places.names[scope]}", Level.REGENCY
            else:
                name, level = f"Polda {self.places.names[scope]}", Level.PROVINCE
            agency = Agency.objects.filter(name=name).first() or accounts.create_agency(
                actor=None, name=name, kind=AgencyKind.POLICE, level=level, region_code=scope or None)
            self.by_scope[scope] = agency
        return agency


# --- the generator ------------------------------------------------------------------------------------------

class ScaleGenerator:
    """Writes ``persons`` persons and ``cases`` cases in batches of ``batch`` cases."""

    def __init__(self, *, persons: int, cases: int | None = None, seed: int = 7, batch: int = 2000,
                 progress: Callable[[str], None] | None = None) -> None:
        self.n_persons = persons
        self.n_cases = round(persons * 0.3) if cases is None else cases
        self.seed = seed
        self.batch = batch
        self.progress = progress or (lambda _msg: None)
        self.rng = random.Random(seed)
        self.names = Names(self.rng, seed)
        self.result = ScaleResult()
        self.drafts: list[PersonDraft] = []  # persons created by this run, for reuse (index → draft)
        self.years = sorted(YEAR_WEIGHTS)
        self.year_weights = [YEAR_WEIGHTS[y] for y in self.years]
        self.scenario_weights = [s.weight for s in SCENARIOS]
        self.today = dt.date.today()
        self._t0 = time.monotonic()

    # ---- entry point
    def run(self) -> ScaleResult:
        start = time.monotonic()
        self.places = _Places()
        self.agencies = _Agencies(self.places)
        self.references = self._reference_counters()
        self.identification_cache: dict[tuple, Identification] = {}
        # Victims are new persons; a perpetrator or witness is new with this probability, else someone the
        # registry already holds (recruiters and witnesses recur across cases). ≈10 % of persons stay unlinked.
        victims = sum(sum(n * w for n, w in s.victims) / sum(w for _n, w in s.victims) * s.weight
                      for s in SCENARIOS) / sum(self.scenario_weights)
        others = PERPETRATOR_MEAN + WITNESS_MEAN
        per_case = 0.9 * self.n_persons / max(1, self.n_cases)
        self.fresh_share = min(1.0, max(0.05, (per_case - victims) / others))
        done = 0
        while done < self.n_cases:
            size = min(self.batch, self.n_cases - done)
            with transaction.atomic():
                self._case_batch(size)
            done += size
            self._report(done)
        while self.result.persons < self.n_persons:
            size = min(self.batch * 3, self.n_persons - self.result.persons)
            with transaction.atomic():
                self._unlinked_batch(size)
            self._report(done)
        self.result.seconds = round(time.monotonic() - start, 1)
        record_event(actor=None, action="demo.generate", object_type="cases.case",
                     data={"seed": self.seed, **self.result.as_dict()})
        return self.result

    def _report(self, cases_done: int) -> None:
        r = self.result
        self.progress(f"{cases_done:,}/{self.n_cases:,} cases, {r.persons:,}/{self.n_persons:,} persons, "
                      f"{r.participants:,} participants, {r.events:,} events, {r.stages:,} stages "
                      f"({time.monotonic() - self._t0:.0f} s)")

    def _reference_counters(self) -> Counter:
        """Next number per ``TPPO/<scope>/<year>/`` prefix, after those already in the database."""
        counters: Counter = Counter()
        for (prefix,) in Case.objects.values_list("reference").iterator():
            head, _, number = prefix.rpartition("/")
            if number.isdigit():
                counters[head + "/"] = max(counters[head + "/"], int(number))
        return counters

    # ---- persons
    def _new_person(self, rows: list, ids: list, *, sex: str, birth: dt.date | None, estimated: tuple | None,
                    origin: tuple[str, str], scope: str, agency: Agency, nik: bool, phone: bool,
                    passport: bool) -> PersonDraft:
        rng = self.rng
        regency, district = origin
        draft = PersonDraft(id=0, sex=sex, birth=birth,
                            estimated_age=estimated[0] if estimated else None,
                            estimated_on=estimated[1] if estimated else None)
        person = Person(full_name=self._name(sex), sex=sex, birth_date=birth, nationality_id="ID",
                        origin_region_id=district if rng.random() < 0.7 else regency,
                        estimated_age=draft.estimated_age, estimated_age_on=draft.estimated_on,
                        scope_code=scope, owner_agency=agency)
        _set_name(person)
        identifiers = []
        if nik and birth:
            identifiers.append(("nik", nik_for(rng, district, birth, sex == "F")))
        if phone:
            identifiers.append(("phone", phone_for(rng)))
            if rng.random() < 0.15:
                identifiers.append(("phone", phone_for(rng)))
        if passport:
            identifiers.append(("passport", rng.choice("BCEX") + "".join(rng.choices("0123456789", k=7))))
        rows.append((person, identifiers))
        ids.append(draft)
        self.drafts.append(draft)  # the id is known after the batch is written
        return draft

    def _name(self, sex: str) -> str:
        return self.names.written(sex)

    def _flush_persons(self, rows: list, drafts: list[PersonDraft]) -> None:
        persons = Person.objects.bulk_create([p for p, _ in rows], batch_size=2000)
        index_names(persons, new=True)
        identifiers = []
        for (person, values), draft in zip(rows, drafts, strict=True):
            draft.id = person.pk
            seen = set()
            for kind, raw in values:
                value = normalise_identifier(kind, raw)
                if value is None or (kind, value) in seen:
                    continue
                seen.add((kind, value))
                identifiers.append(PersonIdentifier(person=person, kind=kind, value=value,
                                                    index=crypto.blind_index(kind, value)))
        PersonIdentifier.objects.bulk_create(identifiers, batch_size=2000)
        self.result.persons += len(persons)
        self.result.identifiers += len(identifiers)

    def _unlinked_batch(self, size: int) -> None:
        """Persons no case names yet: screened returnees, witnesses, records from service agencies."""
        rng = self.rng
        rows, drafts = [], []
        for _ in range(size):
            female = rng.random() < 0.7
            age = rng.randint(14, 50)
            year = rng.choices(self.years, self.year_weights)[0]
            birth = dt.date(year - age, rng.randint(1, 12), rng.randint(1, 28))
            origin = self.places.origin(rng)
            scope = origin[0] if rng.random() < 0.8 else origin[0][:2]
            self._new_person(rows, drafts, sex="F" if female else "M", birth=birth, estimated=None, origin=origin,
                             scope=scope, agency=self.agencies.for_scope(scope), nik=rng.random() < 0.6,
                             phone=rng.random() < 0.7, passport=rng.random() < 0.3)
        self._flush_persons(rows, drafts)

    # ---- cases
    def _case_batch(self, size: int) -> None:
        rng = self.rng
        plans = []
        person_rows: list = []
        new_drafts: list[PersonDraft] = []
        budget = self.n_persons - self.result.persons
        for _ in range(size):
            plan = self._plan_case()
            for slot in plan["slots"]:
                fresh = slot["role"] == ParticipantRole.VICTIM or rng.random() < self.fresh_share
                reuse = self.drafts and (budget <= len(person_rows) or not fresh)
                if reuse:
                    draft = self._reuse(slot, plan)
                    if draft is not None:
                        slot["draft"] = draft
                        continue
                if budget <= len(person_rows):
                    slot["draft"] = None
                    continue
                slot["draft"] = self._person_for_slot(person_rows, new_drafts, slot, plan)
            plans.append(plan)
        self._flush_persons(person_rows, new_drafts)
        for plan in plans:  # a new person's id is known only now
            plan["slots"] = [s for s in plan["slots"] if s["draft"] is not None]
        self._write_cases(plans)

    def _reuse(self, slot: dict, plan: dict) -> PersonDraft | None:
        taken = [s["draft"] for s in plan["slots"] if s.get("draft") is not None]
        for _ in range(3):
            draft = self.drafts[self.rng.randrange(len(self.drafts))]
            if all(draft is not t for t in taken):
                return draft
        return None

    def _plan_case(self) -> dict:
        rng = self.rng
        scenario = rng.choices(SCENARIOS, self.scenario_weights)[0]
        year = rng.choices(self.years, self.year_weights)[0]
        reported = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        reported = min(reported, self.today)
        origin = self.places.origin(rng)
        roll = rng.random()
        scope = origin[0] if roll < 0.72 else origin[0][:2] if roll < 0.95 else ""
        country, cities, _weight = rng.choices(scenario.destinations, [d[2] for d in scenario.destinations])[0]
        if country != "ID" and country not in self.places.countries:
            country = "ID"
        n_victims = weighted(rng, scenario.victims)
        n_perps = rng.choices(*PERPETRATORS)[0]
        n_witness = rng.choices(*WITNESSES)[0]
        exploitation_start = reported - dt.timedelta(days=rng.randint(7, 420))
        recruited = exploitation_start - dt.timedelta(days=rng.randint(5, 150))
        recruit_date, recruit_precision = partial_date(rng, recruited)
        slots = []
        for i in range(n_victims):
            child = rng.random() < scenario.child_share
            female = rng.random() < scenario.female_share
            age = rng.randint(*scenario.child_ages) if child else rng.randint(*scenario.adult_ages)
            same_origin = i == 0 or rng.random() < 0.6
            slots.append({"role": ParticipantRole.VICTIM, "female": female, "age": age, "child": child,
                          "origin": origin if same_origin else self.places.origin(rng)})
        for _ in range(n_perps):
            slots.append({"role": ParticipantRole.PERPETRATOR, "female": rng.random() < 0.3,
                          "age": rng.randint(24, 58), "child": False,
                          "origin": origin if rng.random() < 0.7 else self.places.origin(rng)})
        for _ in range(n_witness):
            slots.append({"role": ParticipantRole.WITNESS, "female": rng.random() < 0.55,
                          "age": rng.randint(20, 60), "child": False, "origin": origin})
        return {"scenario": scenario, "reported": reported, "origin": origin, "scope": scope,
                "agency": self.agencies.for_scope(scope), "country": country, "cities": cities,
                "recruited": recruited, "recruit_date": recruit_date, "recruit_precision": recruit_precision,
                "exploitation_start": exploitation_start, "slots": slots}

    def _person_for_slot(self, rows: list, drafts: list, slot: dict, plan: dict) -> PersonDraft:
        rng = self.rng
        age, events_day = slot["age"], plan["recruited"]
        birth = events_day - dt.timedelta(days=age * 365 + rng.randint(30, 330))
        estimated = None
        if slot["role"] == ParticipantRole.VICTIM and rng.random() < 0.08:
            # no birth date on record, only the age the officer estimated when the case was reported
            estimated = (age + (plan["reported"] - events_day).days // 365, plan["reported"])
            birth = None
        victim = slot["role"] == ParticipantRole.VICTIM
        abroad = plan["country"] != "ID"
        return self._new_person(
            rows, drafts, sex="F" if slot["female"] else "M", birth=birth, estimated=estimated,
            origin=slot["origin"], scope=plan["scope"], agency=plan["agency"],
            nik=rng.random() < (0.55 if victim else 0.7), phone=rng.random() < (0.7 if victim else 0.85),
            passport=abroad and rng.random() < 0.5)

    def _reference(self, scope: str, year: int) -> str:
        prefix = f"TPPO/{scope or 'NAS'}/{year}/"
        self.references[prefix] += 1
        return f"{prefix}{self.references[prefix]:05d}"

    def _write_cases(self, plans: list[dict]) -> None:
        rng = self.rng
        cases = []
        for plan in plans:
            scenario = plan["scenario"]
            place = (rng.choice(plan["cities"]) if plan["cities"] else self.places.names.get(
                plan.setdefault("hotspot", self.places.hotspot(rng, plan["origin"][0])), ""))
            plan["place"] = place
            plan["stages"] = stage_path(rng, weighted(rng, STAGE_ENDS))
            number = rng.randint(100, 2999)
            lp = (f"LP/B/{number}/{ROMAN[plan['reported'].month - 1]}/{plan['reported'].year}/SPKT/"
                  f"{plan['agency'].short_name or plan['agency'].name}".upper()[:80] if plan["stages"] else "")
            status = ("Closed" if plan["stages"] and plan["stages"][-1] in (
                "restitusi_dibayar", "restitusi_diganti_kurungan", "dihentikan", "inkracht")
                      else rng.choice(("Active", "Active", "FollowUp")))
            cases.append(Case(reference=self._reference(plan["scope"], plan["reported"].year),
                              summary=scenario.summary.format(place=place), reported_on=plan["reported"],
                              police_report_number=lp, status=status, scope_code=plan["scope"],
                              owner_agency=plan["agency"]))
        # Build every row first (foreign keys point to unsaved objects; Django takes their ids when
        # the rows are inserted in dependency order), so the denormalised columns are right on insert.
        participants, events, stages, charges, orgs, verdicts, identifications = [], [], [], [], [], [], []
        for case, plan in zip(cases, plans, strict=True):
            plan["case"] = case
            plan["participants"] = self._participants(case, plan)
            participants += plan["participants"]
            events += self._events(plan)
            stages += self._stages(plan)
            charges += self._charges(plan)
            verdicts += self._verdicts(plan)
            identifications += self._identifications(plan)
            if plan["scenario"].agency_org and rng.random() < 0.35:
                name = " ".join(rng.choice(words) for words in P3MI_WORDS)
                orgs.append(CaseOrganisation(
                    case=case, name=f"PT {name}", kind="CorporateBusiness",
                    licence_number=f"{rng.randint(1, 999)}/SIP3MI/{rng.randint(2018, 2024)}",
                    involvement="P3MI yang menampung dan memberangkatkan korban"))
            # The denormalised columns, as the actions leave them.
            case.current_stage = plan["stages"][-1] if plan["stages"] else ""
            case.has_child_victim = any(p.is_child for p in plan["participants"] if p.role == ParticipantRole.VICTIM)
            case.exploitation_types = sorted({t for e in plan["events"] for t in e.exploitation_types})
        for model, rows in ((Case, cases), (Participant, participants), (TraffickingEvent, events),
                            (StageEntry, stages), (ChargedArticle, charges), (CaseOrganisation, orgs),
                            (Verdict, verdicts), (Identification, identifications)):
            model.objects.bulk_create(rows, batch_size=2000)
        r = self.result
        r.cases += len(cases)
        r.participants += len(participants)
        r.events += len(events)
        r.stages += len(stages)
        r.verdicts += len(verdicts)
        r.identifications += len(identifications)

    def _participants(self, case: Case, plan: dict) -> list[Participant]:
        rng = self.rng
        scenario = plan["scenario"]
        out, seen = [], set()
        first_event = plan["recruit_date"]  # the earliest event date (a partial date is its first day)
        roles = list(scenario.perpetrator_roles)
        for i, slot in enumerate(plan["slots"]):
            draft: PersonDraft = slot["draft"]
            if (draft.id, slot["role"]) in seen:
                continue
            seen.add((draft.id, slot["role"]))
            p = Participant(case=case, person_id=draft.id, role=slot["role"])
            if slot["role"] == ParticipantRole.VICTIM:
                p.age_at_events = draft.age_on(first_event)
                p.is_child = p.age_at_events is not None and p.age_at_events < CHILD_AGE
                p.trafficking_status = rng.choices(
                    ("PossibleVictimOfTrafficking", "ActualVictimOfTrafficking", "NotAVictimOfTrafficking"),
                    (50, 45, 5) if plan["stages"] else (75, 15, 10))[0]
                if p.trafficking_status != "PossibleVictimOfTrafficking":
                    p.status_decided_by = "CourtOrProsecution" if "putusan" in plan["stages"] else rng.choice(
                        ("Police", "NonPoliceGovernmentalOrganization", "NGO"))
                p.relationship_to_trafficker = weighted(rng, VICTIM_RELATIONSHIPS)
                self.result.victims["child" if p.is_child else ("woman" if draft.sex == "F" else "man")] += 1
            elif slot["role"] == ParticipantRole.PERPETRATOR:
                p.perpetrator_roles = sorted(set(roles[i % len(roles)]))
            out.append(p)
        return out

    def _events(self, plan: dict) -> list[TraffickingEvent]:
        rng = self.rng
        scenario, case = plan["scenario"], plan["case"]
        victims = [p for p in plan["participants"] if p.role == ParticipantRole.VICTIM]
        victim = victims[0] if len(victims) == 1 else None
        origin = plan["origin"][0]
        abroad = plan["country"] != "ID"
        events = []
        method = rng.choice(scenario.recruitment)
        events.append(TraffickingEvent(
            case=case, victim=victim, event_type="Recruitment", region_id=origin, date=plan["recruit_date"],
            date_precision=plan["recruit_precision"], recruitment_method=method, methods_of_control=["FalsePromises"],
            recruitment_platform=rng.choice(scenario.platforms) if "Online" in method or rng.random() < 0.3 else ""))
        transit_day = plan["recruited"] + (plan["exploitation_start"] - plan["recruited"]) / 2
        if abroad or rng.random() < 0.6:
            if scenario.transit and abroad and rng.random() < 0.7:
                country, city = rng.choice(scenario.transit)
                if country in self.places.countries:
                    events.append(TraffickingEvent(case=case, victim=victim, event_type="Transit", country_id=country,
                                                   city=city, date=transit_day))
            else:
                options = [c for c in TRANSIT_BY_COUNTRY.get(plan["country"], ()) if c in self.places.names]
                hub = rng.choice(options) if options else self.places.hotspot(rng, origin)
                events.append(TraffickingEvent(case=case, victim=victim, event_type="Transit", region_id=hub,
                                               date=transit_day))
        k = min(len(scenario.methods), rng.randint(1, 4))
        exploitation = TraffickingEvent(
            case=case, victim=victim, event_type="Exploitation", date=plan["exploitation_start"],
            methods_of_control=sorted(rng.sample(scenario.methods, k)) if scenario.methods else [],
            exploitation_types=list(scenario.exploitation), industry=scenario.industry)
        if abroad:
            exploitation.country_id, exploitation.city = plan["country"], plan["place"]
        else:
            exploitation.region_id = plan.setdefault("hotspot", self.places.hotspot(rng, origin))
        if rng.random() < 0.04:  # some victims were exploited in two ways
            exploitation.exploitation_types = sorted({*scenario.exploitation, "SexualExploitation"})
        events.append(exploitation)
        plan["events"] = events
        return events

    def _stages(self, plan: dict) -> list[StageEntry]:
        rng = self.rng
        out = []
        day = plan["reported"]
        for i, code in enumerate(plan["stages"]):
            if i:
                day = min(day + dt.timedelta(days=rng.randint(3, 75)), self.today)
            doc = STAGE_DOCS.get(code, "")
            out.append(StageEntry(case=plan["case"], stage=code, date=day, document_number=doc.format(
                n=rng.randint(1, 999), m=ROMAN[day.month - 1], y=day.year) if doc else ""))
        plan["stage_dates"] = {e.stage: e.date for e in out}
        return out

    def _charges(self, plan: dict) -> list[ChargedArticle]:
        if "penyidikan" not in plan["stages"]:
            return []
        perps = [p for p in plan["participants"] if p.role == ParticipantRole.PERPETRATOR]
        article = "UU 21/2007 Pasal 4" if plan["country"] != "ID" else "UU 21/2007 Pasal 2"
        out = [ChargedArticle(case=plan["case"], suspect=p, article=article) for p in perps]
        if any(p.is_child for p in plan["participants"]):
            out += [ChargedArticle(case=plan["case"], suspect=p, article="UU 21/2007 Pasal 17") for p in perps[:1]]
        if plan["scenario"].code in ("domestic_work_abroad", "plantation_construction") and perps:
            out.append(ChargedArticle(case=plan["case"], suspect=perps[0], article="UU 18/2017 Pasal 81"))
        return out

    def _verdicts(self, plan: dict) -> list[Verdict]:
        rng = self.rng
        day = plan.get("stage_dates", {}).get("putusan")
        if day is None:
            return []
        town = self.places.names.get(plan["origin"][0], "").replace("Kabupaten ", "").replace("Kota ", "")
        plan["court"] = f"Pengadilan Negeri {town}".strip()
        out = []
        stages = plan["stages"]
        for p in [p for p in plan["participants"] if p.role == ParticipantRole.PERPETRATOR]:
            ordered = rng.choice((None, None, rng.randint(2, 80) * 5_000_000))
            if {"restitusi_dibayar", "restitusi_diganti_kurungan"} & set(stages):
                ordered = ordered or rng.randint(2, 80) * 5_000_000
            out.append(Verdict(
                case=plan["case"], defendant=p, date=day, court=plan["court"],
                prison_months=rng.randint(36, 180), fine_rupiah=rng.randint(12, 60) * 10_000_000,
                restitution_ordered_rupiah=ordered,
                restitution_paid_rupiah=ordered if "restitusi_dibayar" in stages else None,
                final="inkracht" in stages))
        return out

    def _identifications(self, plan: dict) -> list[Identification]:
        rng = self.rng
        if rng.random() > 0.4:
            return []
        victims = [p for p in plan["participants"] if p.role == ParticipantRole.VICTIM]
        if not victims:
            return []
        victim = victims[0]
        template = identification_for(plan["scenario"], plan["country"] != "ID", victim.is_child)
        return [Identification(case=plan["case"], victim=victim, answers=template.answers, outcome=template.outcome,
                               result=template.result, rules_version=template.rules_version,
                               child_rule=template.child_rule)]


def answers_for(scenario: Scenario, abroad: bool, child: bool) -> idn.IdentificationAnswers:
    """What an investigator typically observes in a case of ``scenario``."""
    return idn.IdentificationAnswers(
        process={"recruitment", "transport", "sending"} if abroad else {"recruitment", "harbouring"},
        means=set(scenario.means), purpose=set(scenario.purpose), exploitation_occurred=True,
        ilo_indicators=set(scenario.ilo), is_child=child,
        movement="from_indonesia_abroad" if abroad else "within_indonesia", indonesian_citizen=True,
        non_procedural_signs=set(scenario.non_procedural) if abroad else set())


@cache
def identification_for(scenario: Scenario, abroad: bool, child: bool) -> Identification:
    """The assessment a typical case of ``scenario`` gets (computed once by the real rules)."""
    answers = answers_for(scenario, abroad, child)
    assessment = idn.assess(answers)
    return Identification(answers=answers.to_dict(), outcome=assessment.outcome, result=assessment.to_dict(),
                          rules_version=assessment.rules_version, child_rule=assessment.child_rule)


SCENARIO = {s.code: s for s in SCENARIOS}


def generate(*, persons: int, cases: int | None = None, seed: int = 7, batch: int = 2000,
             progress: Callable[[str], None] | None = None) -> ScaleResult:
    """Adds ``persons`` persons and ``cases`` cases (default 0.3 per person) to the registry."""
    return ScaleGenerator(persons=persons, cases=cases, seed=seed, batch=batch, progress=progress).run()


def already_generated(seed: int) -> dict | None:
    """The summary of an earlier run with this seed, if any (so the command does not double the data)."""
    from gugus.audit.models import AuditEvent

    event = AuditEvent.objects.filter(action="demo.generate", data__seed=seed).order_by("-seq").first()
    return event.data if event else None


def max_case_id() -> int:
    return Case.objects.aggregate(m=Max("id"))["m"] or 0
