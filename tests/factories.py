"""Test data built through the real actions (so it is validated and audited like production data)."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gugus.accounts import actions as accounts
from gugus.accounts.models import AgencyKind, Level
from gugus.accounts.roles import Role
from gugus.cases import actions as cases

PASSWORD = "correct-horse-battery-9"
_seq = itertools.count(1)


def make_agency(level=Level.REGENCY, region=None, kind=AgencyKind.POLICE, country=None, name=None):
    return accounts.create_agency(actor=None, name=name or f"Agency {next(_seq)}", kind=kind, level=level,
                                  region_code=region, country_code=country)


def make_user(agency, role=Role.INVESTIGATOR, username=None, **extra):
    extra.setdefault("must_change_password", False)
    return accounts.create_user(actor=None, username=username or f"user{next(_seq)}", password=PASSWORD,
                                agency=agency, role=role, **extra)


def make_person(user, name="Siti Aminah", **fields):
    person, _warnings = cases.create_person(actor=user, full_name=name, **fields)
    return person


def make_org():
    """National secretariat; Jawa Timur (35) with Kab. Malang (35.07) and Kab. Blitar (35.05); NTB's
    Lombok Timur (52.03); KBRI Phnom Penh. One user per role where the tests need it."""
    national = make_agency(Level.NATIONAL, kind=AgencyKind.SECRETARIAT, name="Setgas Pusat")
    jatim = make_agency(Level.PROVINCE, "35", name="Polda Jatim")
    malang = make_agency(Level.REGENCY, "35.07", name="Polres Malang")
    blitar = make_agency(Level.REGENCY, "35.05", name="Polres Blitar")
    lotim = make_agency(Level.REGENCY, "52.03", name="Polres Lombok Timur")
    kbri = make_agency(Level.ABROAD, kind=AgencyKind.FOREIGN_AFFAIRS, country="KH", name="KBRI Phnom Penh")
    return SimpleNamespace(
        national=national, jatim=jatim, malang=malang, blitar=blitar, lotim=lotim, kbri=kbri,
        secretariat=make_user(national, Role.SECRETARIAT, "sekretariat"),
        national_admin=make_user(national, Role.ADMINISTRATOR, "admin.nasional"),
        auditor=make_user(national, Role.AUDITOR, "auditor"),
        analyst=make_user(national, Role.ANALYST, "analis"),
        jatim_admin=make_user(jatim, Role.ADMINISTRATOR, "admin.jatim"),
        jatim_supervisor=make_user(jatim, Role.SUPERVISOR, "supervisor.jatim"),
        malang_investigator=make_user(malang, Role.INVESTIGATOR, "penyidik.malang"),
        blitar_investigator=make_user(blitar, Role.INVESTIGATOR, "penyidik.blitar"),
        lotim_investigator=make_user(lotim, Role.INVESTIGATOR, "penyidik.lotim"),
        lotim_supervisor=make_user(lotim, Role.SUPERVISOR, "supervisor.lotim"),
        kbri_staff=make_user(kbri, Role.CASE_MANAGER, "staf.kbri"),
    )


def enrol_totp(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(client, user) -> None:
    """A fully signed-in staff session: password and one-time code (the second factor) both done."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrol_totp(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def sign_in_browser(page, user, device: TOTPDevice | None = None) -> None:
    """Sign in through the real pages (password, then the one-time code) in a Playwright ``page``."""
    device = device or enrol_totp(user)
    page.goto(page.base + "/masuk/")
    page.get_by_label("Nama pengguna").fill(user.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Lanjutkan").click()
    page.get_by_label("Kode sekali pakai").fill(current_code(device))
    page.get_by_role("button", name="Verifikasi").click()
    page.wait_for_url(page.base + "/")
