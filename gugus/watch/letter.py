"""The takedown request letter (PDF, reportlab, Indonesian) with the evidence of one confirmed post.

The fixed parts (recipients, legal basis, number prefix) are data: ``data/takedown.toml``. The letter
names the post (link, platform, account, dates), quotes an excerpt, lists the red flags found and the
reviewer's decision. It never names a case or a person: case links are scoped and stay in the product.
"""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

from django.utils import timezone

from gugus.watch.models import TakedownRequest
from gugus.watch.resources import load_toml

MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]
EXCERPT = 900
LEVELS = {"high": "tinggi", "medium": "sedang", "low": "rendah"}


def tanggal(day: dt.date | dt.datetime | None) -> str:
    """A date the Indonesian way: 5 Maret 2026 (with the time for a moment: 5 Maret 2026 08.30 WIB)."""
    if day is None:
        return "-"
    if isinstance(day, dt.datetime):
        local = timezone.localtime(day)
        return f"{local.day} {MONTHS[local.month - 1]} {local.year} {local:%H.%M} {local.tzname() or ''}".strip()
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def excerpt(text: str, limit: int = EXCERPT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def takedown_pdf(takedown: TakedownRequest) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    conf = load_toml("takedown.toml")
    recipient = conf["recipients"].get(takedown.recipient, {"to": [takedown.recipient]})
    post = takedown.post
    platform = post.platform or "Platform"
    agency = takedown.agency.name if takedown.agency else "Sekretariat Gugus Tugas PP TPPO"

    styles = getSampleStyleSheet()
    body = styles["BodyText"].clone("body", fontSize=10, leading=14)
    small = styles["BodyText"].clone("small", fontSize=9, leading=12)
    bold = small.clone("bold", fontName="Helvetica-Bold")

    def p(text: str, style=body) -> Paragraph:
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=2.2 * cm, rightMargin=2.2 * cm, topMargin=2 * cm,
                            bottomMargin=2 * cm, title=f"Permohonan pemutusan akses {takedown.number}",
                            author=agency)
    story = [Paragraph(escape(agency.upper()), styles["Heading3"]),
             p("Gugus Tugas Pencegahan dan Penanganan Tindak Pidana Perdagangan Orang", small),
             Spacer(1, 12)]
    head = [["Nomor", ":", takedown.number], ["Tanggal", ":", tanggal(takedown.letter_date)],
            ["Sifat", ":", "Segera"], ["Lampiran", ":", "1 (satu) berkas bukti"],
            ["Perihal", ":", "Permohonan Pemutusan Akses (Takedown) Konten Lowongan Kerja yang Diduga "
                             "Merupakan Modus Perekrutan Tindak Pidana Perdagangan Orang"]]
    story.append(Table([[p(a), p(b), p(c)] for a, b, c in head], colWidths=[2.5 * cm, 0.5 * cm, 13.6 * cm],
                       style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                         ("BOTTOMPADDING", (0, 0), (-1, -1), 1)])))
    story.append(Spacer(1, 10))
    story += [p("Kepada")] + [p(line.format(platform=platform)) for line in recipient["to"]]
    story.append(Spacer(1, 10))
    story.append(p(
        "Dengan hormat, dalam rangka pencegahan Tindak Pidana Perdagangan Orang (TPPO), tim pemantauan "
        "kami menemukan konten lowongan kerja di bawah ini yang setelah ditelaah oleh analis kami diduga kuat "
        "merupakan modus perekrutan pekerja migran secara menipu. Sehubungan dengan hal tersebut, kami mohon "
        "agar akses terhadap konten tersebut diputus (takedown) dan, bila memungkinkan, akun pengunggahnya "
        "ditindaklanjuti sesuai ketentuan yang berlaku."))
    story.append(Spacer(1, 6))
    story.append(p("Dasar:"))
    for n, line in enumerate(conf.get("legal_basis", []), 1):
        story.append(p(f"{n}. {line}", small))
    story.append(Spacer(1, 8))
    story.append(Paragraph("Bukti", styles["Heading4"]))
    flags = [r["text"].get("id", "") for r in post.reasons if r.get("weight", 0) > 0] or ["-"]
    rows = [
        ("Tautan (URL)", post.url or "-"),
        ("Platform", post.platform or "-"),
        ("Akun / pengunggah", post.author or "-"),
        ("Diunggah", tanggal(post.posted_at)),
        ("Pertama kali terpantau", tanggal(post.first_seen_at)),
        ("Terakhir terpantau", tanggal(post.seen_at)),
        ("Skor risiko", f"{post.risk:.2f} ({LEVELS.get(post.level, post.level)})".replace(".", ",")),
        ("Ditelaah", f"{tanggal(post.reviewed_at)} — dikonfirmasi: {post.review_reason}"),
        ("Kutipan isi", excerpt(post.text)),
    ]
    table = [[p(k, bold), p(v, small)] for k, v in rows]
    table.append([p("Tanda bahaya", bold), [p(f"• {f}", small) for f in flags]])
    story.append(Table(table, colWidths=[4.2 * cm, 12.4 * cm], style=TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef2f6"))])))
    story.append(Spacer(1, 8))
    story.append(p(f"Kami mohon informasi tindak lanjut atas permohonan ini dengan menyebutkan nomor surat "
                   f"{takedown.number}. Atas perhatian dan kerja samanya kami ucapkan terima kasih."))
    story.append(Spacer(1, 24))
    signer = takedown.created_by.get_full_name() or takedown.created_by.username if takedown.created_by else ""
    story += [p(agency), Spacer(1, 36), p(signer or "........................................")]
    story.append(Spacer(1, 16))
    story.append(p(f"Penilaian risiko dibuat oleh sistem Gugus (aturan {post.rules_version}, model "
                   f"{post.model_version}) dan telah ditelaah manusia sebelum surat ini dibuat.", small))
    doc.build(story)
    return buffer.getvalue()
