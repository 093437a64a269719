"""Demo migrant-worker records for the demo organisation (gugus/core/demo.py). ``add_migrants_demo()`` writes
through the actions (audited like real work) and is idempotent (a second run finds its first departure):

- an immigration officer ``petugas.imigrasi`` at Kantor Imigrasi Kelas I Khusus TPI Surabaya (added to the
  demo logins file with the demo password);
- three departures prevented at Juanda: one to Cambodia on a tourist visa whose recruiter's phone is a
  perpetrator's phone in an existing trafficking case of Polres Malang (supervisor.jatim and penyidik.malang's
  colleagues at Polda see the link, the immigration office does not see the case), one more with the same
  recruiter, and one to Saudi Arabia on an umrah visa, opened as a troubled-worker case;
- migrant workers in trouble: stranded in Cambodia (KBRI Phnom Penh, repatriation under way), deported
  from Malaysia, and one re-classified as TPPO after identification;
- a worker who died in Cambodia: documents, who pays, the remains' journey Phnom Penh → Juanda → Kabupaten
  Malang on gugus.care's repatriation legs, the handover to the family, and two claims (death benefit paid,
  unpaid wages in process).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gugus.accounts import actions as accounts
from gugus.accounts.models import Agency, AgencyKind, User
from gugus.accounts.roles import Role
from gugus.care import actions as care
from gugus.cases import actions as cases
from gugus.cases import identification as idn
from gugus.cases.identifiers import normalise_identifier
from gugus.cases.models import CaseKind, Participant, PersonIdentifier
from gugus.core import crypto
from gugus.migrants import actions
from gugus.migrants.models import PreventedDeparture

MARKER = "Data contoh (demo PMI)."
IMMIGRATION_USER = "petugas.imigrasi"
IMMIGRATION_OFFICE = "Kantor Imigrasi Kelas I Khusus TPI Surabaya"
WATCH_RECRUITER_PHONE = "0812-7000-3141"  # gugus.watch.demo's recruiter, when that demo ran
RECRUITER_PHONE = "0813-3355-7021"  # used only when the demo has no trafficking case with a suspect's phone
USERS = ("penyidik.malang", "supervisor.jatim", "staf.kbri", "pekerja.sosial.jatim")


def _logins_path() -> Path:
    return Path(settings.DATA_DIR) / "demo-logins.toml"


def _immigration_user() -> User | None:
    user = User.objects.filter(username=IMMIGRATION_USER).first()
    if user:
        return user
    office = Agency.objects.filter(name=IMMIGRATION_OFFICE).first() or Agency.objects.filter(
        kind=AgencyKind.IMMIGRATION, level="regency", region__code__startswith="35").first()
    path = _logins_path()
    if office is None or not path.exists():
        return None
    stored = tomllib.loads(path.read_text())
    password = next(iter(stored.get("logins", {}).values()), None)
    if not password:
        return None
    user = accounts.create_user(actor=None, username=IMMIGRATION_USER, password=password, agency=office,
                                role=Role.OPERATOR, first_name="Petugas Imigrasi Juanda",
                                must_change_password=False, demo_otp_exempt=True)
    if IMMIGRATION_USER not in stored.get("logins", {}):
        with path.open("a") as fh:  # the [logins] table is the file's last table
            fh.write(f'"{IMMIGRATION_USER}" = "{password}"\n')
    return user


def _recruiter_phone(investigator: User) -> str:
    """A perpetrator's phone in an existing trafficking case in Jawa Timur (the watch demo's recruiter if
    present); otherwise a new case of Polres Malang with a recruiter carrying :data:`RECRUITER_PHONE`."""
    perpetrators = Participant.objects.filter(role="perpetrator", case__kind=CaseKind.TRAFFICKING,
                                              case__scope_code__startswith="35")
    watch_index = crypto.blind_index("phone", normalise_identifier("phone", WATCH_RECRUITER_PHONE))
    if PersonIdentifier.objects.filter(index=watch_index,
                                       person_id__in=perpetrators.values("person_id")).exists():
        return WATCH_RECRUITER_PHONE
    found = (PersonIdentifier.objects.filter(kind="phone", person_id__in=perpetrators.values("person_id"))
             .order_by("id").first())
    if found:
        return found.value
    case = cases.create_case(actor=investigator, reported_on=timezone.localdate() - dt.timedelta(days=90),
                             summary="Perekrutan lewat WhatsApp ke Kamboja dengan visa turis (data contoh).",
                             intake_key="migrants-demo-case")
    recruiter, _warnings = cases.create_person(actor=investigator, full_name="Joko Susilo (contoh)", sex="M",
                                               phone=RECRUITER_PHONE)
    cases.add_participant(actor=investigator, case=case, person=recruiter, role="perpetrator",
                          perpetrator_roles=["RecruiterOrIntermediary"])
    return RECRUITER_PHONE


def add_migrants_demo(*, today: dt.date | None = None) -> bool:
    """Returns True when it created the records, False when they were there already (or the demo
    organisation is missing: run ``gugus demo-data`` first)."""
    if PreventedDeparture.objects.filter(note__startswith=MARKER).exists():
        return False
    users = {u.username: u for u in User.objects.filter(username__in=USERS).select_related("agency")}
    if len(users) < len(USERS):
        return False
    today = today or timezone.localdate()

    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    malang, supervisor, kbri_user, peksos = (users[u] for u in USERS)
    kbri = kbri_user.agency
    bp3mi = Agency.objects.filter(short_name="BP3MI Jatim").first()
    with transaction.atomic():
        officer = _immigration_user()
        if officer is None:
            return False
        phone = _recruiter_phone(malang)

        # 1. Prevented departures at Juanda.
        actions.record_departure(
            actor=officer, occurred_on=ago(6), exit_point="SUB", destination="KH", transit="Kuala Lumpur",
            visa_type="tourist", documents=["passport", "ktp"], stated_job="customer service online",
            stated_employer="perusahaan di Sihanoukville (tidak tahu namanya)", recruiter_name="Mas Hendra",
            recruiter_phones=phone, note=MARKER + " Ditemukan tiket sekali jalan dan pesan WhatsApp dari perekrut.",
            new_person={"full_name": "Dewi Lestari (demo)", "sex": "F", "birth_date": dt.date(2001, 3, 14),
                        "origin_region": "35.07.05", "nationality": "ID", "passport": "C3817264"},
            non_procedural_signs=["no_licensed_agency", "no_work_contract", "placement_fees_charged"],
            process=["recruitment", "transport"], means=["deception"], purpose=["forced_labour"])
        actions.record_departure(
            actor=officer, occurred_on=ago(20), exit_point="SUB", destination="KH", visa_type="visa_free",
            documents=["passport"], stated_job="admin data entry", recruiter_name="Hendra",
            recruiter_phones=[phone, "0857-4410-2290"], note=MARKER,
            new_person={"full_name": "Rudi Hartono (demo)", "sex": "M", "birth_date": dt.date(1999, 8, 2),
                        "origin_region": "35.07.10", "nationality": "ID"},
            non_procedural_signs=["no_licensed_agency"])
        umrah = actions.record_departure(
            actor=officer, occurred_on=ago(12), exit_point="SUB", destination="SA", visa_type="umrah",
            documents=["passport", "ktp"], stated_job="asisten rumah tangga", stated_employer="keluarga di Riyadh",
            recruiter_name="Bu Yuli", agency_name="PT Contoh Jaya Abadi", agency_licence="123/SIP3MI/2021",
            recruiter_phones="0822-3001-4455", note=MARKER,
            new_person={"full_name": "Siti Aminah (demo)", "sex": "F", "birth_date": dt.date(1990, 11, 20),
                        "origin_region": "35.07.01", "nationality": "ID"},
            non_procedural_signs=["moratorium_country", "no_licensed_agency", "not_registered"])
        actions.open_case_from_departure(actor=officer, departure=umrah, kind=CaseKind.TROUBLED_WORKER)

        # 2. Migrant workers in trouble.
        stranded = actions.open_troubled_worker_case(
            actor=kbri_user, reported_on=ago(15), country="KH", city="Phnom Penh", mission=kbri,
            employer="Perusahaan daring di Phnom Penh", job="operator", route="non_procedural",
            problem_types=["stranded", "unpaid_wages", "documents_held"], scope_code="52.03",
            summary="Datang sendiri ke KBRI setelah kabur dari tempat kerja; paspor ditahan (data contoh).",
            new_person={"full_name": "Lalu Hendra (demo)", "sex": "M", "birth_date": dt.date(1997, 1, 9),
                        "origin_region": "52.03.04", "nationality": "ID"})
        care.start_repatriation(actor=kbri_user, victim=stranded.worker, country="KH", mission=kbri,
                                arrival_point="Bandara Internasional Zainuddin Abdul Madjid", arrival_region="52.02",
                                home_region="52.03.04", requested_on=ago(10))
        actions.add_rights_claim(actor=kbri_user, case=stranded.case, kind="unpaid_wages",
                                 claimed_from="Pemberi kerja", status="filed", amount_claimed_rupiah=9_000_000,
                                 filed_on=ago(9))
        actions.open_troubled_worker_case(
            actor=supervisor, reported_on=ago(40), country="MY", city="Johor Bahru", employer="Ladang sawit",
            job="pekerja kebun", route="non_procedural", problem_types=["deported", "undocumented", "ill"],
            placement_agency="", scope_code="35.07",
            summary="Dideportasi lewat Pelabuhan Tanjung Pinang, sakit, dibantu pulang ke Malang (data contoh).",
            new_person={"full_name": "Agus Salim (demo)", "sex": "M", "birth_date": dt.date(1985, 6, 30),
                        "origin_region": "35.07.10", "nationality": "ID"})
        scam = actions.open_troubled_worker_case(
            actor=peksos, reported_on=ago(25), country="KH", city="Sihanoukville", employer="Kompleks daring",
            job="customer service", route="non_procedural", problem_types=["stranded", "abused"], scope_code="35.73",
            summary="Awalnya tercatat PMI terlantar; identifikasi menemukan penipuan dan kerja paksa (data contoh).",
            new_person={"full_name": "Wulan Sari (demo)", "sex": "F", "birth_date": dt.date(2000, 2, 2),
                        "origin_region": "35.73.01", "nationality": "ID"})
        care.request_service(actor=peksos, victim=scam.worker, kind="SocialRehabilitation", requested_on=ago(24))
        identification = cases.assess_identification(
            actor=peksos, case=scam.case, victim=scam.worker, answers=idn.IdentificationAnswers(
                process={"recruitment", "transport", "harbouring"}, means={"deception", "debt_bondage"},
                purpose={"forced_labour"}, exploitation_occurred=True, movement="from_indonesia_abroad",
                indonesian_citizen=True, age_at_events=24, non_procedural_signs={"tourist_or_visit_visa"}))
        if identification.outcome == "strong_indication":
            scam.case.refresh_from_db()
            actions.reclassify_as_tppo(actor=peksos, case=scam.case,
                                       reason="Identifikasi: perekrutan dengan penipuan dan jeratan utang untuk "
                                              "kerja paksa (Pasal 4 UU 21/2007).")

        # 3. A worker who died abroad, brought home to Kabupaten Malang.
        deceased = actions.open_deceased_case(
            actor=kbri_user, reported_on=ago(30), country="KH", died_on=ago(33), place_of_death="Sihanoukville",
            mission=kbri, cause="illness", cause_detail="Menurut rumah sakit setempat: gagal jantung.",
            autopsy_requested=True, documents=["death_certificate", "medical_report", "embassy_letter",
                                               "embalming_certificate", "cargo_airway_bill"],
            payer="state", employer="Perusahaan daring di Sihanoukville", remains="body",
            family_contact="Ayah almarhumah, Desa asal", home_region="35.07.05",
            summary="PMI non-prosedural meninggal di Kamboja; keluarga meminta otopsi (data contoh).",
            new_person={"full_name": "Nur Aini (demo)", "sex": "F", "birth_date": dt.date(1996, 9, 17),
                        "origin_region": "35.07.05", "nationality": "ID"})
        repatriation = care.start_repatriation(
            actor=kbri_user, victim=deceased.deceased, country="KH", mission=kbri,
            arrival_point="Bandara Internasional Juanda (kargo)", arrival_region="35.15", home_region="35.07.05",
            requested_on=ago(29))
        care.add_repatriation_leg(actor=kbri_user, repatriation=repatriation, stage="abroad",
                                  from_place="Phnom Penh", to_place="Bandara Internasional Juanda",
                                  escort_agency=kbri, departed_on=ago(26), arrived_on=ago(25),
                                  handed_to_agency=bp3mi, handed_over_on=ago(25) if bp3mi else None,
                                  handed_to_name="" if bp3mi else "BP3MI Jawa Timur")
        care.add_repatriation_leg(actor=kbri_user, repatriation=repatriation, stage="arrival",
                                  from_place="Bandara Internasional Juanda", to_place="Kabupaten Malang",
                                  escort_agency=bp3mi, departed_on=ago(25), arrived_on=ago(25),
                                  handed_to_name="Keluarga (ayah almarhumah)", handed_over_on=ago(25))
        actions.add_rights_claim(actor=kbri_user, case=deceased.case, kind="insurance_death",
                                 claimed_from="BPJS Ketenagakerjaan", status="to_file",
                                 note="Tidak terdaftar sebagai peserta: diupayakan lewat P3MI/negara.")
        claim = actions.add_rights_claim(actor=kbri_user, case=deceased.case, kind="unpaid_wages",
                                         claimed_from="Pemberi kerja", status="filed",
                                         amount_claimed_rupiah=14_000_000, filed_on=ago(20))
        actions.update_rights_claim(actor=kbri_user, claim=claim, status="partly_paid",
                                    amount_paid_rupiah=6_000_000, decided_on=ago(5))
    return True

