"""The periodic report (monthly or annual) of a region as PDF, drawn with reportlab: key figures, a tile
map, bar charts, the trend and every table of the dashboard. Built from a protected dashboard only."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from gugus.stats import config
from gugus.stats.exports import dashboard_tables
from gugus.stats.selectors import Dashboard

TEAL = colors.HexColor("#1f6f8b")


def _bars(breakdown, width=16 * cm) -> Drawing | None:
    cells = breakdown.cells[:12]
    if not cells:
        return None
    height = 20 + 16 * len(cells)
    d = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 6 * cm, 10, width - 7 * cm, height - 20
    chart.data = [[(c.shown or 0) for c in reversed(cells)]]
    chart.categoryAxis.categoryNames = [c.label[:40] + (f" (<{config.threshold()})" if c.shown is None else "")
                                        for c in reversed(cells)]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = TEAL
    d.add(chart)
    return d


def _trend(series, width=16 * cm, height=5 * cm) -> Drawing | None:
    cases = series["cases"].cells
    points = [(i, c.shown) for i, c in enumerate(cases) if c.shown is not None]
    if len(points) < 2:
        return None
    d = Drawing(width, height)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 1.2 * cm, 0.8 * cm, width - 1.6 * cm, height - 1.2 * cm
    plot.data = [points]
    plot.lines[0].strokeColor = TEAL
    plot.xValueAxis.valueSteps = list(range(len(cases)))
    plot.xValueAxis.labelTextFormat = lambda i: cases[int(i)].key[-2:] if len(cases) == 12 else cases[int(i)].key
    plot.xValueAxis.labels.fontSize = 7
    plot.yValueAxis.labels.fontSize = 7
    plot.yValueAxis.valueMin = 0
    d.add(plot)
    return d


def _map(breakdown, size=26) -> Drawing | None:
    positions = {t["code"]: (t["col"], t["row"], t["abbr"]) for t in config.province_tiles()}
    cells = [c for c in breakdown.cells if c.key in positions]
    if not cells:
        return None
    top = max([c.shown or 0 for c in cells] + [1])
    d = Drawing(16 * size + 10, 6 * size + 10)
    for cell in cells:
        col, row, abbr = positions[cell.key]
        x, y = col * size, (5 - row) * size
        share = (cell.shown or 0) / top
        fill = colors.Color(0.9 - 0.78 * share, 0.94 - 0.5 * share, 0.95 - 0.4 * share) if cell.shown is not None \
            else colors.HexColor("#f1f3f5")
        d.add(Rect(x, y, size - 2, size - 2, fillColor=fill, strokeColor=colors.white))
        d.add(String(x + size / 2 - 1, y + size - 10, abbr[:6], fontSize=5, textAnchor="middle"))
        d.add(String(x + size / 2 - 1, y + 6, cell.display, fontSize=7, textAnchor="middle"))
    return d


def _table(t) -> Table:
    data = [t.header] + [[str(v) for v in row] for row in t.rows]
    table = Table(data, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONTSIZE", (0, 0), (-1, -1), 8), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef1")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#c9d3da")), ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
    ]))
    return table


def report_pdf(dash: Dashboard, *, kind: str) -> bytes:
    """``kind``: "monthly" or "annual" (only the title differs; the period is the dashboard's)."""
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=1.8 * cm,
                            bottomMargin=1.8 * cm, title=_("Trafficking in persons: periodic report"),
                            author="Gugus TPPO")
    title = _("Monthly report") if kind == "monthly" else _("Annual report")
    story = [
        Paragraph(f"{title}: {dash.region_name}", styles["Title"]),
        Paragraph(_("Task Force for the Prevention and Handling of Trafficking in Persons (Gugus Tugas PP TPPO)"),
                  styles["Normal"]),
        Paragraph(f"{_('Period')}: {dash.period.label} · {_('Produced on')} {timezone.localdate():%Y-%m-%d}",
                  styles["Normal"]),
        Paragraph(_("Counts below %(k)d about records outside your jurisdiction are shown as <%(k)d.")
                  % {"k": config.threshold()}, styles["Italic"]),
        Spacer(1, 0.4 * cm),
    ]
    tables = dashboard_tables(dash)
    story += [_table(tables[1]), Spacer(1, 0.4 * cm)]
    if dash.map and dash.level == 0:
        drawing = _map(dash.map)
        if drawing:
            story += [KeepTogether([Paragraph(dash.map.title, styles["Heading3"]), drawing])]
    trend = _trend(dash.trend_months)
    if trend:
        story += [KeepTogether([Paragraph(f"{_('Cases by month')} ({dash.trend_months['cases'].extra['year']})",
                                          styles["Heading3"]), trend])]
    for name in ("victim_sex", "victim_age", "exploitation", "recruitment", "destination"):
        b = dash.breakdowns[name]
        drawing = _bars(b)
        if drawing:
            story += [KeepTogether([Paragraph(b.title, styles["Heading3"]), drawing])]
    for t in tables[2:]:
        story += [KeepTogether([Paragraph(t.title, styles["Heading3"]), _table(t)]), Spacer(1, 0.3 * cm)]
    doc.build(story)
    return out.getvalue()
