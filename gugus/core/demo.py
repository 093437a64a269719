"""Demo organisation: task forces, agencies, one user per role, a few synthetic persons and ~25 cases.

Everything is written through the actions (so it is audited like real work) and is idempotent: a second run
finds the national task force and only reprints the logins, which are kept in ``<data dir>/demo-logins.toml``
(and adds the demo cases if an older demo database has none).

The cases (:data:`DEMO_CASES`) follow the patterns of :mod:`gugus.core.scale`: girls sold for sex in East
Java and Lombok, domestic workers sent to Malaysia and Saudi Arabia, young people trapped in online-scam
compounds in Cambodia and Myanmar (some handled by KBRI Phnom Penh), plantation and fishing crews, child
labour, a bride sold to China. Each has victims, perpetrators with their roles, recruitment / transit /
exploitation events, an identification assessment, and a criminal process at some stage: a few just
reported, several at P-21, some with verdicts, restitution paid or replaced by confinement.
For a national dataset at scale, see ``gugus demo-data --persons N`` (gugus/core/scale.py).
"""

from __future__ import annotations

import base64
import datetime as dt
import random
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from gugus.accounts import actions as accounts
from gugus.accounts.models import Agency, AgencyKind, Level, TaskForce, User
from gugus.accounts.roles import Role
from gugus.cases import actions as cases
from gugus.cases import identification as idn
from gugus.cases.models import Case
from gugus.core import scale

# (key, name, short name, kind, level, region or country)
AGENCIES = [
    ("setgas", "Sekretariat Gugus Tugas PP TPPO Pusat", "Setgas Pusat", AgencyKind.SECRETARIAT, Level.NATIONAL, None),
    ("bareskrim", "Bareskrim Polri — Direktorat Tindak Pidana PPA dan PPO", "Bareskrim", AgencyKind.POLICE,
     Level.NATIONAL, None),
    ("kp2mi", "Kementerian Pelindungan Pekerja Migran Indonesia", "KP2MI", AgencyKind.MIGRANT_WORKER,
     Level.NATIONAL, None),
    ("polda_jatim", "Polda Jawa Timur — Ditreskrimum", "Polda Jatim", AgencyKind.POLICE, Level.PROVINCE, "35"),
    ("uptd_jatim", "UPTD PPA Provinsi Jawa Timur", "UPTD PPA Jatim", AgencyKind.PPA, Level.PROVINCE, "35"),
    ("kejati_jatim", "Kejaksaan Tinggi Jawa Timur", "Kejati Jatim", AgencyKind.PROSECUTOR, Level.PROVINCE, "35"),
    ("bp3mi_jatim", "BP3MI Jawa Timur", "BP3MI Jatim", AgencyKind.MIGRANT_WORKER, Level.PROVINCE, "35"),
    ("polres_malang", "Polres Malang", "Polres Malang", AgencyKind.POLICE, Level.REGENCY, "35.07"),
    ("dinsos_malang", "Dinas Sosial Kabupaten Malang", "Dinsos Kab. Malang", AgencyKind.SOCIAL, Level.REGENCY,
     "35.07"),
    ("polres_lotim", "Polres Lombok Timur", "Polres Lotim", AgencyKind.POLICE, Level.REGENCY, "52.03"),
    ("uptd_ntb", "UPTD PPA Provinsi Nusa Tenggara Barat", "UPTD PPA NTB", AgencyKind.PPA, Level.PROVINCE, "52"),
    ("imigrasi_juanda", "Kantor Imigrasi Kelas I Khusus TPI Surabaya", "Imigrasi Surabaya", AgencyKind.IMMIGRATION,
     Level.REGENCY, "35.78"),
    ("kbri_pp", "KBRI Phnom Penh", "KBRI Phnom Penh", AgencyKind.FOREIGN_AFFAIRS, Level.ABROAD, "KH"),
    ("iom", "IOM Indonesia", "IOM", AgencyKind.NGO, Level.NATIONAL, None),
]

# (username, agency key, role, first name)
USERS = [
    ("admin.nasional", "setgas", Role.ADMINISTRATOR, "Admin Nasional"),
    ("sekretariat.pusat", "setgas", Role.SECRETARIAT, "Sekretariat Pusat"),
    ("auditor.pusat", "setgas", Role.AUDITOR, "Auditor"),
    ("analis.pusat", "setgas", Role.ANALYST, "Analis"),
    ("penyidik.bareskrim", "bareskrim", Role.INVESTIGATOR, "Penyidik Bareskrim"),
    ("admin.jatim", "polda_jatim", Role.ADMINISTRATOR, "Admin Jatim"),
    ("supervisor.jatim", "polda_jatim", Role.SUPERVISOR, "Supervisor Jatim"),
    ("pekerja.sosial.jatim", "uptd_jatim", Role.CASE_MANAGER, "Peksos UPTD PPA"),
    ("jaksa.jatim", "kejati_jatim", Role.PROSECUTOR, "Jaksa Kejati"),
    ("penyidik.malang", "polres_malang", Role.INVESTIGATOR, "Penyidik Polres Malang"),
    ("operator.malang", "dinsos_malang", Role.OPERATOR, "Operator Dinsos"),
    ("penyidik.lotim", "polres_lotim", Role.INVESTIGATOR, "Penyidik Polres Lotim"),
    ("staf.kbri", "kbri_pp", Role.CASE_MANAGER, "Staf Pelindungan WNI"),
]
TWO_FACTOR_USER = "penyidik.2fa"

TASK_FORCES = [
    ("Gugus Tugas PP TPPO Nasional", Level.NATIONAL, None, "setgas", "Perpres 49/2023"),
    ("Gugus Tugas PP TPPO Provinsi Jawa Timur", Level.PROVINCE, "35", "uptd_jatim", ""),
    ("Gugus Tugas PP TPPO Kabupaten Malang", Level.REGENCY, "35.07", "dinsos_malang", ""),
    ("Gugus Tugas PP TPPO Provinsi Nusa Tenggara Barat", Level.PROVINCE, "52", "uptd_ntb", ""),
    ("Gugus Tugas PP TPPO Kabupaten Lombok Timur", Level.REGENCY, "52.03", "polres_lotim", ""),
]

FEMALE = ["Siti Aminah", "Sri Wahyuni", "Nur Aini", "Dewi Lestari", "Ni Made Ayu", "Rina Marlina", "Wulan Sari",
          "Yuli Astuti", "Baiq Nurul", "Lilis Suryani", "Ani Rahmawati", "Fitri Handayani"]
MALE = ["Muhammad Rizki", "Ahmad Fauzi", "I Wayan Sudarta", "Budi Santoso", "Lalu Hendra", "Agus Salim",
        "Dedi Kurniawan", "Joko Susilo", "Rudi Hartono", "Hendra Gunawan"]


@dataclass
class DemoResult:
    created: bool
    logins: dict[str, str]
    totp_user: str
    totp_secret: str


def _logins_path() -> Path:
    return Path(settings.DATA_DIR) / "demo-logins.toml"


def _nik(region_code: str, birth: dt.date, female: bool, serial: int) -> str:
    district = region_code.replace(".", "")[:6]
    day = birth.day + (40 if female else 0)
    return f"{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def setup_demo(*, persons: int = 40, seed: int = 2026, with_cases: bool = True) -> DemoResult:
    """The demo organisation; ``with_cases=False`` leaves out the 25 demo cases (faster, for tests that need none)."""
    if TaskForce.objects.filter(level=Level.NATIONAL).exists() and _logins_path().exists():
        stored = tomllib.loads(_logins_path().read_text())
        if with_cases and not Case.objects.filter(intake_key__startswith=DEMO_KEY).exists():
            with transaction.atomic():
                _demo_cases(seed)
        return DemoResult(False, stored["logins"], stored["totp_user"], stored["totp_secret"])
    password = f"demo-{secrets.token_hex(4)}"
    with transaction.atomic():
        agencies: dict[str, Agency] = {}
        for key, name, short, kind, level, place in AGENCIES:
            agencies[key] = Agency.objects.filter(name=name).first() or accounts.create_agency(
                actor=None, name=name, short_name=short, kind=kind, level=level,
                region_code=place if level in (Level.PROVINCE, Level.REGENCY) else None,
                country_code=place if level == Level.ABROAD else None,
            )
        for name, level, region, secretariat, decree in TASK_FORCES:
            if not TaskForce.objects.filter(name=name).exists():
                members = [a for a in agencies.values()
                           if level == Level.NATIONAL and a.level == Level.NATIONAL
                           or (region and a.region_id and (a.region_id == region
                                                           or a.region_id.startswith(region + ".")))]
                accounts.create_task_force(actor=None, name=name, level=level, region_code=region,
                                           secretariat=agencies[secretariat], members=members, decree=decree)
        logins = {}
        for username, key, role, first in USERS:
            if not User.objects.filter(username=username).exists():
                accounts.create_user(actor=None, username=username, password=password, agency=agencies[key],
                                     role=role, first_name=first, must_change_password=False,
                                     demo_otp_exempt=True)
            logins[username] = password
        totp_user = User.objects.filter(username=TWO_FACTOR_USER).first() or accounts.create_user(
            actor=None, username=TWO_FACTOR_USER, password=password, agency=agencies["polres_malang"],
            role=Role.INVESTIGATOR, first_name="Penyidik (2FA)", must_change_password=False)
        logins[TWO_FACTOR_USER] = password
        device = TOTPDevice.objects.filter(user=totp_user, confirmed=True).first()
        if device is None:
            device = accounts.start_totp_enrolment(user=totp_user)
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        secret = base64.b32encode(device.bin_key).decode()
        _demo_persons(agencies, persons, seed)
        if with_cases:
            _demo_cases(seed)
    body = "".join(f'"{u}" = "{p}"\n' for u, p in logins.items())
    _logins_path().write_text(f'totp_user = "{TWO_FACTOR_USER}"\ntotp_secret = "{secret}"\n[logins]\n{body}')
    _logins_path().chmod(0o600)
    return DemoResult(True, logins, TWO_FACTOR_USER, secret)


def _demo_persons(agencies: dict[str, Agency], count: int, seed: int) -> None:
    rng = random.Random(seed)
    recorders = [User.objects.get(username=u) for u in
                 ("penyidik.malang", "penyidik.lotim", "pekerja.sosial.jatim", "staf.kbri", "penyidik.bareskrim")]
    origins = ["35.07.01", "35.07.05", "35.07.10", "52.03.01", "52.03.04", "35.05.01", "33.01.01"]
    for i in range(count):
        female = rng.random() < 0.75
        name = rng.choice(FEMALE if female else MALE)
        birth = dt.date(rng.randint(1985, 2010), rng.randint(1, 12), rng.randint(1, 28))
        origin = rng.choice(origins)
        actor = recorders[i % len(recorders)]
        cases.create_person(
            actor=actor, full_name=name, sex="F" if female else "M", birth_date=birth, nationality="ID",
            origin_region=origin, nik=_nik(origin, birth, female, 1 + i) if rng.random() < 0.6 else "",
            scope_code=origin.rsplit(".", 1)[0] if actor.agency.level == Level.ABROAD else None,
        )


# --- cases -----------------------------------------------------------------------------------------------------

DEMO_KEY = "demo-case-"

# (who records it, scope, scenario (gugus/core/scale.py), reported on, victims, children among them,
#  furthest stage or None, who moves the process)
DEMO_CASES = [
    ("penyidik.malang", "35.07", "sexual_domestic", "2024-02-12", 2, 2, "p21", None),
    ("penyidik.malang", "35.07", "sexual_domestic", "2025-06-03", 1, 1, "penyidikan", None),
    ("penyidik.malang", "35.07", "domestic_work_abroad", "2023-03-20", 1, 0, "restitusi_dibayar", None),
    ("penyidik.malang", "35.07", "online_scam", "2024-09-09", 4, 0, "putusan", None),
    ("penyidik.malang", "35.07", "child_labour", "2025-01-15", 2, 2, "penyelidikan", None),
    ("penyidik.malang", "35.07", "domestic_work_abroad", "2025-10-02", 1, 1, "lp", None),
    ("penyidik.malang", "35.07", "sexual_domestic", "2022-05-30", 3, 3, "restitusi_diganti_kurungan", None),
    ("penyidik.malang", "35.07", "plantation_construction", "2024-04-18", 3, 0, "p18_p19", None),
    ("penyidik.lotim", "52.03", "domestic_work_abroad", "2023-08-07", 2, 0, "inkracht", None),
    ("penyidik.lotim", "52.03", "domestic_work_abroad", "2025-03-11", 1, 0, "p21", None),
    ("penyidik.lotim", "52.03", "sexual_domestic", "2024-07-22", 1, 1, "tahap_2", None),
    ("penyidik.lotim", "52.03", "plantation_construction", "2024-11-05", 4, 2, "penyidikan", None),
    ("penyidik.lotim", "52.03", "bride_trafficking", "2023-01-16", 1, 1, "dihentikan", None),
    ("penyidik.lotim", "52.03", "child_labour", "2025-08-19", 1, 1, None, None),
    ("supervisor.jatim", "35", "online_scam", "2023-10-10", 4, 0, "inkracht", None),
    ("supervisor.jatim", "35.78", "sexual_domestic", "2024-03-04", 2, 2, "p21", None),
    ("supervisor.jatim", "35.05", "fishing_crew", "2022-11-21", 3, 2, "putusan", None),
    ("supervisor.jatim", "35.25", "domestic_work_abroad", "2025-05-26", 1, 1, "berkas_dikirim", None),
    ("pekerja.sosial.jatim", "35.73", "sexual_domestic", "2025-09-08", 1, 1, None, None),
    ("pekerja.sosial.jatim", "35.09", "forced_begging", "2024-12-02", 3, 2, "lp", "penyidik.bareskrim"),
    ("staf.kbri", "35.07", "online_scam", "2024-01-29", 3, 0, "p21", "penyidik.bareskrim"),
    ("staf.kbri", "52.03", "online_scam", "2025-02-17", 2, 0, "penyidikan", "penyidik.bareskrim"),
    ("staf.kbri", "33.01", "online_scam", "2023-06-12", 1, 0, None, None),
    ("penyidik.bareskrim", "", "online_scam", "2023-04-03", 5, 1, "putusan", None),
    ("penyidik.bareskrim", "", "sexual_domestic", "2024-10-14", 2, 2, "p21", None),
]
STAGE_GAP_DAYS = 24
# Where domestic exploitation happens in the demo (regions every demo and test database has).
DEMO_PLACES = ["35.78", "35.73", "52.71", "33.74", "35.07"]


def _demo_cases(seed: int) -> None:
    """About 25 cases through the real actions, so every page of the case registry has something to show."""
    rng = random.Random(seed + 1)
    names = scale.Names(rng, seed)
    users = {u.username: u for u in User.objects.filter(username__in={c[0] for c in DEMO_CASES} | {
        c[7] for c in DEMO_CASES if c[7]} | {"penyidik.malang", "penyidik.lotim", "supervisor.jatim",
                                             "jaksa.jatim"})}
    for number, (who, scope, code, reported, n_victims, n_children, end, mover) in enumerate(DEMO_CASES, 1):
        _demo_case(rng, names, number, users[who], scope, scale.SCENARIO[code], dt.date.fromisoformat(reported),
                   n_victims, n_children, end, users.get(mover) if mover else _process_actor(users, users[who]))


def _process_actor(users: dict, recorder: User) -> User:
    """Who records the criminal process: the recorder when they may, else the police of the region."""
    if recorder.can("process.edit"):
        return recorder
    return users["supervisor.jatim"]


def _demo_person(rng, names, actor, *, female, age, on: dt.date, origin: str, abroad: bool, scope: str):
    birth = on - dt.timedelta(days=age * 365 + rng.randint(20, 340))
    district = _district(origin)
    fields = {"sex": "F" if female else "M", "birth_date": birth, "nationality": "ID", "origin_region": district}
    if rng.random() < 0.6:
        fields["nik"] = scale.nik_for(rng, district, birth, female)
    if rng.random() < 0.7:
        fields["phone"] = scale.phone_for(rng)
    if abroad and rng.random() < 0.6:
        fields["passport"] = rng.choice("BCX") + "".join(rng.choices("0123456789", k=7))
    person, _warnings = cases.create_person(actor=actor, full_name=names.clean("F" if female else "M"),
                                            scope_code=scope or None, **fields)
    return person


def _district(code: str) -> str:
    from gugus.regions.models import Region

    if code.count(".") >= 2:
        return code
    child = Region.objects.filter(parent_id=code).order_by("code").first()
    return child.code if child else code


def _demo_case(rng, names, number, actor, scope, scenario, reported, n_victims, n_children, end, mover):
    origin = scope if "." in scope else {"35": "35.07", "": rng.choice(["35.07", "52.03", "33.01"])}.get(scope, scope)
    destination = rng.choices(scenario.destinations, [d[2] for d in scenario.destinations])[0]
    country, city = destination[0], (rng.choice(destination[1]) if destination[1] else "")
    abroad = country != "ID"
    place = [p for p in DEMO_PLACES if p != origin][number % (len(DEMO_PLACES) - 1)]
    from gugus.regions.models import Region

    place_name = city or Region.objects.get(code=place).name
    exploited = reported - dt.timedelta(days=rng.randint(20, 200))
    recruited = exploited - dt.timedelta(days=rng.randint(40, 120))
    stages = scale.stage_path(rng, end)
    case = cases.create_case(
        actor=actor, reported_on=reported, summary=scenario.summary.format(place=place_name),
        police_report_number=(f"LP/B/{rng.randint(100, 999)}/{scale.ROMAN[reported.month - 1]}/{reported.year}/"
                              f"SPKT/{(mover.agency.short_name or mover.agency.name).upper()}") if stages else "",
        other_reference="" if stages else f"{actor.agency.short_name}/{reported.year}/{number:03d}",
        scope_code=scope or None, intake_key=f"{DEMO_KEY}{number:02d}")
    victims = []
    for i in range(n_victims):
        child = i < n_children
        age = rng.randint(*scenario.child_ages) if child else rng.randint(*scenario.adult_ages)
        female = rng.random() < max(scenario.female_share, 0.6) if scenario.female_share else False
        person = _demo_person(rng, names, actor, female=female, age=age, on=recruited, origin=origin,
                              abroad=abroad, scope=scope)
        status = "ActualVictimOfTrafficking" if "putusan" in stages else "PossibleVictimOfTrafficking"
        victims.append(cases.add_participant(
            actor=actor, case=case, person=person, role="victim", trafficking_status=status,
            status_decided_by="CourtOrProsecution" if status.startswith("Actual") else "",
            relationship_to_trafficker=scale.weighted(rng, scale.VICTIM_RELATIONSHIPS)))
    suspects = []
    for roles in scenario.perpetrator_roles[:rng.choice((1, 2, 2, 3))]:
        person = _demo_person(rng, names, actor, female=rng.random() < 0.3, age=rng.randint(26, 55), on=reported,
                              origin=origin, abroad=False, scope=scope)
        suspects.append(cases.add_participant(actor=actor, case=case, person=person, role="perpetrator",
                                              perpetrator_roles=list(roles)))
    if rng.random() < 0.4:
        person = _demo_person(rng, names, actor, female=rng.random() < 0.5, age=rng.randint(30, 60), on=reported,
                              origin=origin, abroad=False, scope=scope)
        cases.add_participant(actor=actor, case=case, person=person, role="witness",
                              note="Keluarga korban yang melapor")
    if scenario.agency_org:
        cases.add_organisation(actor=actor, case=case, name=f"PT {' '.join(rng.choice(w) for w in scale.P3MI_WORDS)}",
                               kind="CorporateBusiness", licence_number=f"{rng.randint(1, 400)}/SIP3MI/2021",
                               involvement="Menampung dan memberangkatkan korban tanpa perjanjian kerja")
    victim = victims[0] if len(victims) == 1 else None
    method = rng.choice(scenario.recruitment)
    cases.add_event(actor=actor, case=case, event_type="Recruitment", date=recruited, region=origin, victim=victim,
                    recruitment_method=method, methods_of_control=["FalsePromises"],
                    recruitment_platform=rng.choice(scenario.platforms) if "Online" in method else "")
    if abroad and scenario.transit:
        country_t, city_t = rng.choice(scenario.transit)
        cases.add_event(actor=actor, case=case, event_type="Transit", date=recruited + dt.timedelta(days=5),
                        country=country_t, city=city_t, victim=victim)
    elif abroad:
        cases.add_event(actor=actor, case=case, event_type="Transit", date=recruited + dt.timedelta(days=3),
                        region="35.78", city="Bandara Juanda", victim=victim)
    cases.add_event(actor=actor, case=case, event_type="Exploitation", date=exploited.strftime("%Y-%m"),
                    country=country if abroad else None, city=city, region=None if abroad else place, victim=victim,
                    exploitation_types=list(scenario.exploitation), industry=scenario.industry,
                    methods_of_control=sorted(rng.sample(scenario.methods, min(3, len(scenario.methods)))))
    if actor.can("person.edit") and victims:
        first = victims[0]
        first.refresh_from_db()
        answers = scale.answers_for(scenario, abroad, first.is_child)
        if end is None:  # not (yet) a police case: what the first screening found
            answers = idn.IdentificationAnswers(
                process={"recruitment", "sending"} if abroad else set(), purpose=set() if abroad else answers.purpose,
                non_procedural_signs=answers.non_procedural_signs, is_child=first.is_child,
                movement=answers.movement, indonesian_citizen=True)
        cases.assess_identification(actor=actor, case=case, victim=first, answers=answers)
    court = "Pengadilan Negeri " + Region.objects.get(code=origin).name.replace("Kabupaten ", "").replace("Kota ", "")
    _demo_process(rng, case, stages, suspects, mover, abroad, bool(n_children), court)


def _demo_process(rng, case, stages, suspects, mover, abroad, child, court):
    day = case.reported_on
    for i, stage in enumerate(stages):
        if i:
            day = min(day + dt.timedelta(days=STAGE_GAP_DAYS + rng.randint(0, 30)), dt.date.today())
        doc = scale.STAGE_DOCS.get(stage, "")
        case.refresh_from_db()
        cases.record_stage(actor=mover, case=case, stage=stage, date=day, document_number=doc.format(
            n=rng.randint(1, 999), m=scale.ROMAN[day.month - 1], y=day.year) if doc else "")
        if stage == "penyidikan" and stages.index(stage) == i:
            for suspect in suspects:
                cases.charge(actor=mover, case=case, suspect=suspect,
                             article="UU 21/2007 Pasal 4" if abroad else "UU 21/2007 Pasal 2")
            if child and suspects:
                cases.charge(actor=mover, case=case, suspect=suspects[0], article="UU 21/2007 Pasal 17")
        if stage == "putusan" and "putusan" not in stages[i + 1:]:
            restitution = "restitusi_dibayar" in stages or "restitusi_diganti_kurungan" in stages or rng.random() < 0.5
            for suspect in suspects:
                ordered = rng.randint(4, 60) * 5_000_000 if restitution else None
                cases.record_verdict(actor=mover, case=case, defendant=suspect, date=day, court=court,
                                     prison_months=rng.randint(36, 150), fine_rupiah=rng.randint(12, 60) * 10_000_000,
                                     restitution_ordered_rupiah=ordered,
                                     restitution_paid_rupiah=ordered if "restitusi_dibayar" in stages else None,
                                     final="inkracht" in stages)
