"""Demo action plan, meeting and socialisation events for the demo organisation (gugus/core/demo.py).

``add_plans_demo()`` writes through the actions, as the secretariat would, and is idempotent: a second run
finds the RAD and adds nothing. The meeting's first follow-up task is due in the past, so it shows on the
overdue list and gets a reminder from ``gugus plan-reminders``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from gugus.accounts.models import Agency, TaskForce, User
from gugus.plans import actions
from gugus.plans.models import ActionPlan, PlanStatus

RAD_TITLE = "RAD PP TPPO Provinsi Jawa Timur"
JATIM = "Gugus Tugas PP TPPO Provinsi Jawa Timur"
MALANG = "Gugus Tugas PP TPPO Kabupaten Malang"
NATIONAL = "Gugus Tugas PP TPPO Nasional"


def _agency(short: str) -> Agency | None:
    return Agency.objects.filter(short_name=short).first()


def add_plans_demo(*, today: dt.date | None = None) -> ActionPlan | None:
    """Adds the demo RAD 2025–2029 of Jawa Timur with progress, a meeting with an overdue task, and
    socialisation events. Needs the demo organisation; returns the plan (None without the organisation)."""
    existing = ActionPlan.objects.filter(title=RAD_TITLE).first()
    if existing:
        return existing
    jatim, malang, national = (TaskForce.objects.filter(name=n).first() for n in (JATIM, MALANG, NATIONAL))
    actor = User.objects.filter(username="sekretariat.pusat").first()
    if jatim is None or actor is None:
        return None
    today = today or timezone.localdate()
    agencies = {k: _agency(k) for k in ("Polda Jatim", "UPTD PPA Jatim", "Kejati Jatim", "BP3MI Jatim",
                                        "Imigrasi Surabaya", "Polres Malang", "Dinsos Kab. Malang", "IOM")}
    polda, uptd, kejati, bp3mi = (agencies[k] for k in ("Polda Jatim", "UPTD PPA Jatim", "Kejati Jatim",
                                                        "BP3MI Jatim"))
    imigrasi, dinsos, iom = agencies["Imigrasi Surabaya"], agencies["Dinsos Kab. Malang"], agencies["IOM"]
    with transaction.atomic():
        plan = actions.create_plan(actor=actor, task_force=jatim, title=RAD_TITLE, start_year=2025, end_year=2029,
                                   decree="Pergub Jatim (contoh) tentang RAD PP TPPO 2025–2029",
                                   status=PlanStatus.ACTIVE)
        years = plan.years
        prevention = actions.add_programme(actor=actor, plan=plan, code="1", sub_task_force="prevention",
                                           name="Pencegahan TPPO dan partisipasi anak")
        law = actions.add_programme(actor=actor, plan=plan, code="2", sub_task_force="law",
                                    name="Penegakan hukum dan pengembangan norma")
        rehab = actions.add_programme(actor=actor, plan=plan, code="3", sub_task_force="social",
                                      name="Rehabilitasi sosial, pemulangan dan reintegrasi")

        a11 = actions.add_activity(actor=actor, programme=prevention, code="1.1", responsible_agency=bp3mi,
                                   supporting_agencies=[a for a in (imigrasi, iom) if a],
                                   name="Sosialisasi migrasi aman di desa kantong pekerja migran",
                                   budget_rupiah=350_000_000)
        i11 = actions.add_indicator(actor=actor, activity=a11, name="Desa kantong PMI yang mendapat sosialisasi",
                                    unit="desa", baseline=12, targets=dict(zip(years, [40, 60, 80, 100, 120],
                                                                                strict=True)))
        a12 = actions.add_activity(actor=actor, programme=prevention, code="1.2", responsible_agency=imigrasi or bp3mi,
                                   supporting_agencies=[bp3mi] if imigrasi else [],
                                   name="Penundaan keberangkatan calon PMI non-prosedural di bandara",
                                   budget_rupiah=120_000_000)
        i12 = actions.add_indicator(actor=actor, activity=a12, name="Petugas TPI yang dilatih indikator TPPO",
                                    unit="orang", baseline=20, targets=dict(zip(years, [50, 60, 70, 80, 90],
                                                                                 strict=True)))
        a21 = actions.add_activity(actor=actor, programme=law, code="2.1", responsible_agency=polda,
                                   supporting_agencies=[kejati],
                                   name="Penanganan perkara TPPO sampai berkas lengkap (P-21)",
                                   budget_rupiah=500_000_000)
        actions.add_indicator(actor=actor, activity=a21, name="Kasus TPPO tercatat di Gugus", unit="kasus",
                              metric_code="cases.recorded", targets={y: 20 for y in years})
        actions.add_indicator(actor=actor, activity=a21, name="Kasus TPPO yang mencapai P-21", unit="kasus",
                              metric_code="cases.p21", targets={y: 10 for y in years})
        a31 = actions.add_activity(actor=actor, programme=rehab, code="3.1", responsible_agency=uptd,
                                   supporting_agencies=[a for a in (dinsos,) if a],
                                   name="Layanan rehabilitasi sosial dan reintegrasi korban",
                                   budget_rupiah=275_000_000)
        i31 = actions.add_indicator(actor=actor, activity=a31, name="Korban yang mendapat layanan reintegrasi",
                                    unit="orang", baseline=15, targets=dict(zip(years, [30, 35, 40, 45, 50],
                                                                                 strict=True)))
        actions.add_indicator(actor=actor, activity=a31, name="Korban tercatat dalam kasus di wilayah",
                              unit="orang", metric_code="cases.victims", targets={y: 25 for y in years})

        actions.file_progress(actor=actor, activity=a11, year=2025, values={i11: 46},
                              narrative="Sosialisasi di 46 desa di Malang, Blitar, Tulungagung dan Ponorogo.",
                              obstacles="Jadwal bentrok dengan musim tanam; leaflet terlambat dicetak.",
                              interventions="Anggaran cetak materi dialihkan ke triwulan I.",
                              budget_realised_rupiah=332_500_000)
        actions.file_progress(actor=actor, activity=a12, year=2025, values={i12: 38},
                              narrative="Pelatihan identifikasi TPPO bagi petugas TPI Juanda.",
                              obstacles="Rotasi petugas; pelatih bersertifikat terbatas.",
                              interventions="Dukungan pelatih dari IOM dan Bareskrim; modul daring.",
                              budget_realised_rupiah=95_000_000)
        actions.file_progress(actor=actor, activity=a31, year=2025, semester=1, values={i31: 14},
                              narrative="Pendampingan korban pulangan dari Kamboja.",
                              obstacles="Rumah aman penuh pada bulan Maret.",
                              interventions="Kerja sama rumah aman dengan Dinas Sosial kabupaten.",
                              budget_realised_rupiah=110_000_000)
        actions.file_progress(actor=actor, activity=a31, year=2025, semester=2, values={i31: 31},
                              narrative="Reintegrasi ekonomi 31 korban melalui pelatihan usaha.",
                              budget_realised_rupiah=260_000_000)

        participants = {a: n for a, n in ((polda, 2), (uptd, 2), (kejati, 1), (bp3mi, 2), (imigrasi, 1),
                                          (iom, 1)) if a}
        meeting = actions.create_meeting(
            actor=actor, task_force=jatim, date=today - dt.timedelta(days=30),
            title="Rapat koordinasi evaluasi RAD PP TPPO Jawa Timur", place="Kantor Gubernur Jawa Timur, Surabaya",
            agenda=("1. Capaian RAD tahun berjalan\n2. Kendala penanganan PMI non-prosedural\n"
                    "3. Program kerja tahun depan"),
            minutes="Capaian sosialisasi melampaui target; pelatihan petugas TPI belum tercapai.",
            decisions="BP3MI dan Imigrasi menyusun jadwal pelatihan bersama; UPTD PPA memetakan rumah aman.",
            participants=participants)
        actions.add_follow_up(actor=actor, meeting=meeting, owner_agency=imigrasi or bp3mi, activity=a12,
                              description="Menyusun jadwal pelatihan identifikasi TPPO bagi petugas TPI",
                              due_date=today - dt.timedelta(days=7))
        actions.add_follow_up(actor=actor, meeting=meeting, owner_agency=uptd, activity=a31,
                              description="Memetakan kapasitas rumah aman kabupaten/kota",
                              due_date=today + dt.timedelta(days=21))

        events = [
            (jatim, "Sosialisasi migrasi aman bagi calon PMI", "35.07", "prospective_migrant_workers", "in_person",
             bp3mi, {("F", "18_24"): 42, ("F", "25_59"): 35, ("M", "18_24"): 28, ("M", "25_59"): 19}),
            (jatim, "Dialog radio: modus lowongan kerja palsu di media sosial", "35", "general_public", "radio",
             polda, {("F", "25_59"): 60, ("M", "25_59"): 55}),
            (malang or jatim, "Sosialisasi pencegahan TPPO di sekolah", "35.07", "students", "in_person",
             dinsos, {("F", "child"): 88, ("M", "child"): 74}),
            (jatim, "Sosialisasi TPPO bagi aparat desa", "35.05", "village_officials", "in_person", uptd,
             {("F", "25_59"): 14, ("M", "25_59"): 31, ("M", "60_plus"): 3}),
        ]
        for n, (tf, title, region, group, channel, organiser, attendance) in enumerate(events):
            actions.create_event(actor=actor, task_force=tf, title=title, region_code=region, target_group=group,
                                 channel=channel, organiser=organiser, attendance=attendance,
                                 date=today - dt.timedelta(days=60 - 12 * n),
                                 activity=a11 if group == "prospective_migrant_workers" else None,
                                 materials="Modul migrasi aman; leaflet tanda bahaya lowongan kerja palsu")
    return plan
