"""The annual evaluation report (PDF with reportlab, XLSX with openpyxl) and the XLSX list exports.

Reports are official documents of an Indonesian task force, so their text is Indonesian whatever the
reader's interface language. Everything is generated here: no fonts or templates are fetched at run time
(the PDF uses reportlab's built-in Helvetica).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from gugus.plans import config
from gugus.plans.models import FollowUpStatus, PlanKind
from gugus.plans.selectors import Evaluation

SEMESTER = {0: "Tahunan", 1: "Semester I", 2: "Semester II"}
STATUS_ID = {FollowUpStatus.OPEN: "Terbuka", FollowUpStatus.IN_PROGRESS: "Dalam proses",
             FollowUpStatus.DONE: "Selesai", FollowUpStatus.CANCELLED: "Dibatalkan"}


def rupiah(amount: int | None) -> str:
    return "Rp " + f"{int(amount or 0):,}".replace(",", ".")


def number(value) -> str:
    """Indonesian style: 1234.5 → "1.234,5"; whole numbers without decimals."""
    if value is None or value == "":
        return "—"
    value = Decimal(str(value))
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if value != value.to_integral() else f"{int(value):,}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def percent(value) -> str:
    return "—" if value is None or value == "" else f"{number(value)}%"


def title_of(evaluation: Evaluation) -> str:
    plan = evaluation.plan
    kind = "Rencana Aksi Nasional (RAN)" if plan.kind == PlanKind.RAN else "Rencana Aksi Daerah (RAD)"
    return f"Laporan Evaluasi Tahunan {kind} PP TPPO Tahun {evaluation.year}"


def _findings(evaluation: Evaluation) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(activity, agency, text) of the obstacles and of the interventions reported for the year."""
    obstacles, interventions = [], []
    for row in evaluation.activities:
        if row.report is None:
            continue
        label = f"{row.activity.code} {row.activity.name}"
        agency = row.activity.responsible_agency.name
        if row.report.obstacles:
            obstacles.append((label, agency, row.report.obstacles))
        if row.report.interventions:
            interventions.append((label, agency, row.report.interventions))
    return obstacles, interventions


def _summary(evaluation: Evaluation) -> list[tuple[str, str]]:
    activities = evaluation.activities
    reported = sum(1 for a in activities if a.report is not None)
    met = sum(1 for a in activities if a.met)
    return [
        ("Gugus Tugas", evaluation.plan.task_force.name),
        ("Rencana aksi", f"{evaluation.plan.title} ({evaluation.plan.start_year}–{evaluation.plan.end_year})"),
        ("Tahun yang dievaluasi", str(evaluation.year)),
        ("Jumlah program", str(len(evaluation.programmes))),
        ("Jumlah kegiatan", str(len(activities))),
        ("Kegiatan yang telah dilaporkan", str(reported)),
        ("Kegiatan yang mencapai target", str(met)),
        ("Kegiatan yang belum mencapai target", str(len(activities) - met)),
        ("Rata-rata capaian", percent(evaluation.percent)),
        ("Anggaran", rupiah(evaluation.budget)),
        ("Realisasi anggaran", rupiah(evaluation.budget_realised)),
        ("Dibuat pada", timezone.localtime().strftime("%d-%m-%Y %H:%M")),
    ]


def _recommendations(evaluation: Evaluation) -> list[str]:
    lines = []
    for row in evaluation.unmet:
        reason = "belum dilaporkan" if row.report is None and not any(i.computed for i in row.indicators) \
            else f"capaian {percent(row.percent)}"
        lines.append(f"Lanjutkan kegiatan {row.activity.code} {row.activity.name} "
                     f"({row.activity.responsible_agency.name}) pada program kerja tahun {evaluation.year + 1}: "
                     f"{reason}.")
    if not lines:
        lines.append(f"Seluruh kegiatan mencapai target tahun {evaluation.year}.")
    return lines


# --- PDF ------------------------------------------------------------------------------------------------

def evaluation_pdf(evaluation: Evaluation) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    head = styles["BodyText"].clone("head", fontSize=8, leading=10, fontName="Helvetica-Bold")

    def p(text: str, style=small) -> Paragraph:
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    def table(rows, widths, header=True):
        t = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
        style = [("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")))
        t.setStyle(TableStyle(style))
        return t

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=1.5 * cm, rightMargin=1.5 * cm,
                            topMargin=1.5 * cm, bottomMargin=1.5 * cm, title=title_of(evaluation),
                            author=evaluation.plan.task_force.name)
    story = [Paragraph(escape(title_of(evaluation)), styles["Title"]),
             Paragraph(escape(evaluation.plan.task_force.name), styles["Heading3"]), Spacer(1, 6)]
    story.append(table([[p(k, head), p(v)] for k, v in _summary(evaluation)], [7 * cm, 18 * cm], header=False))

    story += [Paragraph("I. Capaian Program dan Kegiatan", styles["Heading2"])]
    rows = [[p(h, head) for h in ("No.", "Program / Kegiatan", "Penanggung jawab", "Indikator", "Target",
                                  "Realisasi", "Capaian", "Anggaran / Realisasi")]]
    for prog in evaluation.programmes:
        rows.append([p(prog.programme.code, head), p(prog.programme.name, head), "", "", "", "",
                     p(percent(prog.percent), head), p(rupiah(prog.budget))])
        for act in prog.activities:
            indicators = act.indicators or [None]
            for n, ind in enumerate(indicators):
                first = n == 0
                budget = (f"{rupiah(act.activity.budget_rupiah)} / "
                          f"{rupiah(act.report.budget_realised_rupiah if act.report else 0)}")
                rows.append([
                    p(act.activity.code if first else ""), p(act.activity.name if first else ""),
                    p(act.activity.responsible_agency.name if first else ""),
                    p((ind.indicator.name + (" (dihitung otomatis)" if ind.computed else "")) if ind else "—"),
                    p(number(ind.target) if ind else "—"), p(number(ind.realised) if ind else "—"),
                    p(percent(ind.percent) if ind else "—"), p(budget if first else ""),
                ])
    story.append(table(rows, [1.4 * cm, 6.5 * cm, 4 * cm, 6 * cm, 1.8 * cm, 1.8 * cm, 1.8 * cm, 3.4 * cm]))

    obstacles, interventions = _findings(evaluation)
    for heading, items in (("II. Kendala", obstacles), ("III. Intervensi yang Dibutuhkan", interventions)):
        story.append(Paragraph(heading, styles["Heading2"]))
        if items:
            story.append(table([[p(h, head) for h in ("Kegiatan", "Instansi", "Uraian")]]
                               + [[p(a), p(b), p(c)] for a, b, c in items], [8 * cm, 5 * cm, 13.5 * cm]))
        else:
            story.append(p("Tidak ada yang dilaporkan."))
    story.append(Paragraph(f"IV. Rekomendasi Program Kerja Tahun {evaluation.year + 1}", styles["Heading2"]))
    story += [p(f"{i}. {line}", styles["BodyText"]) for i, line in enumerate(_recommendations(evaluation), 1)]

    def footer(canvas, doc_):
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(1.5 * cm, 0.8 * cm, f"Gugus TPPO · {title_of(evaluation)} · halaman {doc_.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


# --- XLSX -----------------------------------------------------------------------------------------------

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF2F6")


def _sheet(wb: Workbook, title: str, header: list[str], rows, widths: list[int] | None = None):
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for row in rows:
        ws.append([_cell(v) for v in row])
    for i, width in enumerate(widths or [], 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    return ws


def _cell(value):
    """Decimals as numbers; text that a spreadsheet would run as a formula is quoted."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _bytes(wb: Workbook) -> bytes:
    if "Sheet" in wb.sheetnames and len(wb.sheetnames) > 1:
        del wb["Sheet"]
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def evaluation_xlsx(evaluation: Evaluation) -> bytes:
    wb = Workbook()
    ws = wb["Sheet"]
    ws.title = "Ringkasan"
    ws.append([title_of(evaluation)])
    ws["A1"].font = Font(bold=True, size=13)
    for key, value in _summary(evaluation):
        ws.append([key, value])
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 36, 70
    rows = []
    for prog in evaluation.programmes:
        for act in prog.activities:
            for ind in act.indicators or [None]:
                rows.append([
                    prog.programme.code, prog.programme.name, act.activity.code, act.activity.name,
                    act.activity.responsible_agency.name,
                    ", ".join(a.name for a in act.activity.supporting_agencies.all()),
                    ind.indicator.name if ind else "", ind.indicator.unit if ind else "",
                    ("Dihitung: " + ind.metric_label) if ind and ind.computed else ("Diisi" if ind else ""),
                    ind.indicator.baseline if ind else None, ind.target if ind else None,
                    ind.realised if ind else None, ind.percent if ind else None, act.percent,
                    act.activity.budget_rupiah, act.report.budget_realised_rupiah if act.report else 0,
                    SEMESTER.get(act.report.semester, "") if act.report else "Belum dilaporkan",
                ])
    _sheet(wb, "Capaian", ["Kode program", "Program", "Kode kegiatan", "Kegiatan", "Penanggung jawab",
                           "Instansi pendukung", "Indikator", "Satuan", "Sumber data", "Baseline",
                           f"Target {evaluation.year}", f"Realisasi {evaluation.year}", "Capaian indikator (%)",
                           "Capaian kegiatan (%)", "Anggaran (Rp)", "Realisasi anggaran (Rp)", "Laporan"],
           rows, [8, 30, 8, 40, 26, 26, 36, 10, 24, 10, 10, 10, 12, 12, 16, 16, 14])
    obstacles, interventions = _findings(evaluation)
    _sheet(wb, "Kendala", ["Kegiatan", "Instansi", "Kendala"], obstacles, [40, 30, 80])
    _sheet(wb, "Intervensi", ["Kegiatan", "Instansi", "Intervensi yang dibutuhkan"], interventions, [40, 30, 80])
    _sheet(wb, "Rekomendasi", [f"Rekomendasi program kerja tahun {evaluation.year + 1}"],
           [[line] for line in _recommendations(evaluation)], [120])
    return _bytes(wb)


def plans_xlsx(plans) -> bytes:
    """Every indicator of the given plans, one row each, with its targets per year."""
    from gugus.plans.selectors import plan_tree

    plans = list(plans)
    years = sorted({y for plan in plans for y in plan.years})
    rows = []
    for plan in plans:
        for prog in plan_tree(plan):
            for act in prog.activities.all():
                base = [plan.task_force.name, plan.kind, plan.title, f"{plan.start_year}–{plan.end_year}",
                        plan.get_status_display(), prog.code, prog.name, act.code, act.name,
                        act.responsible_agency.name, ", ".join(a.name for a in act.supporting_agencies.all()),
                        act.budget_rupiah]
                for ind in act.indicators.all() or [None]:
                    targets = {t.year: t.value for t in ind.targets.all()} if ind else {}
                    rows.append(base + [ind.name if ind else "", ind.unit if ind else "",
                                        ind.metric_code if ind else "", ind.baseline if ind else None]
                                + [targets.get(y) for y in years])
    wb = Workbook()
    _sheet(wb, "Rencana Aksi", ["Gugus Tugas", "Jenis", "Rencana", "Periode", "Status", "Kode program", "Program",
                                "Kode kegiatan", "Kegiatan", "Penanggung jawab", "Instansi pendukung",
                                "Anggaran (Rp)", "Indikator", "Satuan", "Metrik (dihitung)", "Baseline"]
           + [f"Target {y}" for y in years], rows, [28, 6, 30, 10, 10, 8, 30, 8, 40, 26, 26, 16, 36, 10, 16, 10])
    return _bytes(wb)


def meetings_xlsx(meetings, *, today: dt.date | None = None) -> bytes:
    today = today or timezone.localdate()
    meetings = list(meetings.prefetch_related("participants__agency", "follow_ups__owner_agency"))
    wb = Workbook()
    _sheet(wb, "Rapat", ["Tanggal", "Gugus Tugas", "Judul", "Tempat", "Agenda", "Peserta (instansi: orang)",
                         "Keputusan"],
           [[m.date, m.task_force.name, m.title, m.place, m.agenda,
             "; ".join(f"{p.agency.name}: {p.attendees}" for p in m.participants.all()), m.decisions]
            for m in meetings], [12, 28, 36, 20, 40, 40, 50])
    _sheet(wb, "Tindak Lanjut", ["Rapat", "Tanggal rapat", "Tugas", "Penanggung jawab", "Tenggat", "Status",
                                 "Terlambat", "Kasus (ID)", "Kegiatan RAD (ID)"],
           [[m.title, m.date, f.description, f.owner_agency.name, f.due_date, STATUS_ID.get(f.status, f.status),
             "Ya" if f.status in (FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS) and f.due_date < today else "",
             f.case_id, f.activity_id]
            for m in meetings for f in m.follow_ups.all()], [30, 12, 50, 28, 12, 12, 10, 10, 10])
    return _bytes(wb)


def events_xlsx(events) -> bytes:
    events = list(events.prefetch_related("attendance"))
    sexes = list(config.vocabulary("sexes"))
    ages = list(config.vocabulary("age_groups"))
    header = ["Tanggal", "Gugus Tugas", "Judul", "Kode wilayah", "Wilayah", "Tempat", "Sasaran", "Media",
              "Penyelenggara", "Materi", "Jumlah peserta"]
    header += [f"{config.label('sexes', s, 'id')} {config.label('age_groups', a, 'id')}" for s in sexes for a in ages]
    rows = []
    for e in events:
        counts = {(a.sex, a.age_group): a.count for a in e.attendance.all()}
        rows.append([e.date, e.task_force.name, e.title, e.region_id, e.region.name, e.place,
                     config.label("target_groups", e.target_group, "id"), config.label("channels", e.channel, "id"),
                     e.organiser.name if e.organiser else "", e.materials, e.participants_total]
                    + [counts.get((s, a), 0) for s in sexes for a in ages])
    wb = Workbook()
    _sheet(wb, "Sosialisasi", header, rows, [12, 28, 36, 10, 20, 20, 24, 18, 24, 40, 10])
    return _bytes(wb)
