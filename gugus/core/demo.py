"""Demo organisation: task forces, agencies, one user per role, and a few synthetic persons.

Everything is written through the actions (so it is audited like real work) and is idempotent: a second run
finds the national task force and only reprints the logins, which are kept in ``<data dir>/demo-logins.toml``.
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


def setup_demo(*, persons: int = 40, seed: int = 2026) -> DemoResult:
    if TaskForce.objects.filter(level=Level.NATIONAL).exists() and _logins_path().exists():
        stored = tomllib.loads(_logins_path().read_text())
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
