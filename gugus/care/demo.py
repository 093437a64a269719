"""Demo data for the integrated services, on top of gugus.core.demo (its agencies and users).

:func:`add_care_demo` adds, through the actions (so everything is audited like real work):
- a case of Polres Malang: an adult victim of an online-scam compound in Cambodia, with written consent; a
  referral to KBRI Phnom Penh accepted (KBRI gains access to exactly this case) and one to UPTD PPA Jawa
  Timur; her repatriation Phnom Penh → Juanda airport → Kabupaten Malang, delivered within 7 days;
- a case with a child victim (guardian's consent): health rehabilitation OVERDUE, social rehabilitation
  due tomorrow, and a case conference;
- a case of Polres Lombok Timur referred without consent (summary only), declined by UPTD PPA Jawa Timur.
Idempotent: a second run finds its first case and does nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from gugus.accounts.models import Agency, User
from gugus.care import actions as care
from gugus.cases import actions as cases
from gugus.cases.models import Case

MARKER = "DEMO-LAYANAN-1"
USERS = ("penyidik.malang", "pekerja.sosial.jatim", "staf.kbri", "penyidik.lotim", "supervisor.jatim")


def add_care_demo(*, today: dt.date | None = None) -> bool:
    """Returns True when it created the data, False when it was already there (or the demo users are
    missing: run ``gugus demo-data`` first)."""
    if Case.objects.filter(other_reference=MARKER).exists():
        return False
    users = {u.username: u for u in User.objects.filter(username__in=USERS).select_related("agency")}
    if len(users) < len(USERS):
        return False
    today = today or timezone.localdate()

    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    malang, peksos, kbri_user, lotim, supervisor = (users[u] for u in USERS)
    agency = {a.short_name: a for a in Agency.objects.all()}
    kbri, uptd_jatim = kbri_user.agency, peksos.agency
    dinsos = agency.get("Dinsos Kab. Malang")
    bp3mi = agency.get("BP3MI Jatim")

    with transaction.atomic():
        # 1. Cambodia: consent, two accepted referrals, a repatriation delivered on time.
        case = cases.create_case(actor=malang, reported_on=ago(30), other_reference=MARKER,
                                 police_report_number=f"LP/B/{today.year}/DEMO-01/SPKT/POLRES MALANG",
                                 summary="Direkrut lewat Facebook sebagai 'customer service' di Kamboja; "
                                         "dipaksa bekerja di kompleks penipuan daring (data sintetis).")
        person, _warnings = cases.create_person(actor=malang, full_name="Sri Wahyuni (demo)", sex="F",
                                                birth_date=dt.date(1998, 4, 12), nationality="ID",
                                                origin_region="35.07.05")
        victim = cases.add_participant(actor=malang, case=case, person=person, role="victim",
                                       trafficking_status="PossibleVictimOfTrafficking")
        cases.add_event(actor=malang, case=case, event_type="Exploitation", date=ago(60).isoformat()[:7],
                        country="KH", city="Sihanoukville", exploitation_types=["ForcedLabour"])
        care.record_consent(actor=malang, victim=victim, given_on=ago(29), method="written", given_by="victim",
                            share_identity=True, share_case_details=True, share_health=True, any_receiver=True,
                            guidance=["InformedOfPurpose", "InformedOfDataUse", "InformedOfWithdrawal"])
        care.assess_needs(actor=malang, victim=victim, assessed_on=ago(29), urgent=False,
                          needs=["Repatriation", "HealthRehabilitation", "SocialRehabilitation", "LegalAid"],
                          assessment="Trauma psikis, paspor ditahan agen; ingin pulang ke Malang.")
        to_kbri = care.send_referral(actor=malang, victim=victim, to_agency=kbri, reason="AdditionalServicesRequired",
                                     services=["Repatriation"], sent_on=ago(28),
                                     message="Mohon fasilitasi pemulangan korban dari Phnom Penh.")
        care.accept_referral(actor=kbri_user, referral=to_kbri)
        repatriation = care.start_repatriation(actor=kbri_user, victim=victim, country="KH", mission=kbri,
                                               arrival_point="Bandara Internasional Juanda",
                                               arrival_region="35.15", home_region="35.07")
        care.add_repatriation_leg(actor=kbri_user, repatriation=repatriation, stage="abroad",
                                  from_place="KBRI Phnom Penh", to_place="Bandara Juanda", escort_agency=kbri,
                                  departed_on=ago(23), arrived_on=ago(23), handed_to_agency=bp3mi,
                                  handed_to_name="" if bp3mi else "BP3MI Jawa Timur", handed_over_on=ago(23))
        care.add_repatriation_leg(actor=malang, repatriation=repatriation, stage="arrival",
                                  from_place="Bandara Juanda", to_place="Kabupaten Malang", escort_agency=bp3mi,
                                  departed_on=ago(22), arrived_on=ago(22), handed_to_agency=dinsos,
                                  handed_to_name="" if dinsos else "Dinas Sosial Kabupaten Malang",
                                  handed_over_on=ago(22))
        to_uptd = care.send_referral(actor=malang, victim=victim, to_agency=uptd_jatim,
                                     reason="AdditionalServicesRequired",
                                     services=["HealthRehabilitation", "SocialRehabilitation"], sent_on=ago(21))
        care.accept_referral(actor=peksos, referral=to_uptd)
        for service in to_uptd.services.all():
            care.change_service_status(actor=peksos, service=service, status="in_progress", on=ago(17))
        care.request_service(actor=malang, victim=victim, kind="LegalAid", requested_on=ago(20),
                             provider_name="LBH Surabaya Pos Malang")
        care.record_conference(actor=peksos, case=case, held_on=ago(15),
                               agencies=[a for a in (malang.agency, uptd_jatim, dinsos) if a],
                               notes="Korban sudah di rumah; konseling berjalan.",
                               decisions="UPTD PPA lanjutkan konseling; Polres ajukan restitusi lewat LPSK.")

        # 2. A child: guardian's consent; one service overdue, one due tomorrow.
        child_case = cases.create_case(actor=malang, reported_on=ago(12),
                                       police_report_number=f"LP/B/{today.year}/DEMO-02/SPKT/POLRES MALANG",
                                       summary="Anak direkrut sebagai pekerja rumah tangga (data sintetis).")
        child_person, _warnings = cases.create_person(actor=malang, full_name="Nur Aini (demo)", sex="F",
                                                      birth_date=dt.date(today.year - 16, 2, 3),
                                                      nationality="ID", origin_region="35.07.01")
        child = cases.add_participant(actor=malang, case=child_case, person=child_person, role="victim")
        care.record_consent(actor=malang, victim=child, given_on=ago(11), method="thumbprint",
                            given_by="guardian", guardian_name="Ibu kandung (demo)", guardian_relationship="ibu",
                            child_assent=True, share_identity=True, share_case_details=True, share_health=True,
                            agencies=[a for a in (uptd_jatim, dinsos) if a])
        care.assess_needs(actor=malang, victim=child, assessed_on=ago(10), urgent=True,
                          needs=["HealthRehabilitation", "SocialRehabilitation", "SocialReintegration"])
        care.request_service(actor=malang, victim=child, kind="HealthRehabilitation", requested_on=ago(10),
                             provider_name="RS Bhayangkara Malang", notes="Visum dan pemeriksaan kesehatan.")
        care.request_service(actor=malang, victim=child, kind="SocialRehabilitation", requested_on=ago(6),
                             provider_agency=dinsos)

        # 3. Lombok Timur: no consent recorded → summary only; declined by UPTD PPA Jawa Timur.
        lotim_case = cases.create_case(actor=lotim, reported_on=ago(9),
                                       summary="Calon PMI non-prosedural, diduga TPPO (data sintetis).")
        lotim_person, _warnings = cases.create_person(actor=lotim, full_name="Baiq Nurul (demo)", sex="F",
                                                      birth_date=dt.date(2001, 9, 9), origin_region="52.03.04")
        lotim_victim = cases.add_participant(actor=lotim, case=lotim_case, person=lotim_person, role="victim")
        no_consent = care.send_referral(actor=lotim, victim=lotim_victim, to_agency=uptd_jatim,
                                        reason="MigrationOrChangeOfLocation", services=["SocialRehabilitation"],
                                        sent_on=ago(8))
        care.decline_referral(actor=peksos, referral=no_consent,
                              reason="Korban berdomisili di NTB; rujuk ke UPTD PPA NTB.")
        care.send_reminders(today=today)
    return True
