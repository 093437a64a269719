"""Files: dashboard tables and case lists as XLSX / CSV. Tables come from protected dashboards (so the
suppression of :mod:`gugus.stats.privacy` carries into every file) or from the user's scoped case list."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from gugus.cases.stages import load_stages
from gugus.cases.vocabularies import vocabulary
from gugus.stats.selectors import Dashboard


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list]


def dashboard_tables(dash: Dashboard) -> list[Table]:
    """The dashboard as tables; suppressed figures are written as "<11", never as numbers."""
    meta = Table(_("Statistics"), [_("Item"), _("Value")], [
        [_("Region"), dash.region_name], [_("Region code"), dash.region or "ID"], [_("Period"), dash.period.label],
        [_("Counts below the threshold outside your jurisdiction are shown as"), f"<{_threshold()}"],
    ])
    tables = [meta, Table(_("Key figures"), [_("Figure"), _("Count")],
                          [[c.label, _value(c)] for c in dash.headline.values()])]
    for b in dash.breakdowns.values():
        header = [b.title, _("Count")] + ([_("Amount (Rp)")] if b.name == "restitution" else [])
        rows = [[c.label, _value(c)] + ([c.shown_amount if c.shown_amount is not None else "—"]
                                        if b.name == "restitution" else []) for c in b.cells]
        if b.total:
            rows.append([_("Total"), _value(b.total)])
        tables.append(Table(b.title, header, rows))
    funnel = dash.funnel["breakdown"]
    medians = dash.funnel["median_days"]
    tables.append(Table(funnel.title, [_("Step"), _("Cases"), _("Median days since the report")], [
        [c.label, _value(c), medians.get(c.key) if medians.get(c.key) is not None else "—"] for c in funnel.cells]))
    if dash.map:
        tables.append(Table(dash.map.title, [_("Region code"), _("Region"), _("Cases")],
                            [[c.key, c.label, _value(c)] for c in dash.map.cells]))
    for grain, series in ((_("year"), dash.trend_years), (_("month"), dash.trend_months)):
        cases, victims = series["cases"], series["victims"]
        tables.append(Table(f"{_('Trend by')} {grain}", [_("Period"), cases.title, victims.title],
                            [[c.key, _value(c), _value(v)] for c, v in zip(cases.cells, victims.cells, strict=True)]))
    return tables


def _threshold() -> int:
    from gugus.stats.config import threshold
    return threshold()


def _value(cell):
    return cell.shown if cell.shown is not None else cell.display


def case_table(cases) -> Table:
    """The case list as the user sees it on /kasus/ (no person is named in it)."""
    status, exploitation, stages = vocabulary("case_status"), vocabulary("exploitation_types"), load_stages()
    rows = []
    for c in cases.iterator(chunk_size=2000):
        stage = stages.get(c.current_stage) if c.current_stage else None
        rows.append([c.reference, c.reported_on, c.police_report_number, c.scope_code,
                     stage.short if stage else "", ", ".join(exploitation.label(x) for x in c.exploitation_types
                                                              if x in exploitation),
                     status.label(c.status) if c.status in status else c.status,
                     _("yes") if c.has_child_victim else _("no")])
    return Table(_("Cases"), [_("Reference"), _("Reported on"), _("LP number"), _("Region"), _("Stage"),
                              _("Exploitation"), _("Status"), _("Child victim")], rows)


def to_xlsx(tables: list[Table]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for n, table in enumerate(tables, start=1):
        name = _sheet_name(table.title, n, used)
        ws = wb.create_sheet(name)
        ws.append(table.header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            ws.append(row)
        ws.column_dimensions["A"].width = 40
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet_name(title: str, n: int, used: set[str]) -> str:
    clean = "".join(ch for ch in title if ch not in '[]:*?/\\')[:28] or f"Sheet{n}"
    name = clean
    while name in used:
        name = f"{clean[:25]} {n}"
        n += 1
    used.add(name)
    return name


def to_csv(tables: list[Table]) -> str:
    """All tables in one CSV, each preceded by its title and separated by an empty line."""
    out = io.StringIO()
    writer = csv.writer(out)
    for i, table in enumerate(tables):
        if len(tables) > 1:
            if i:
                writer.writerow([])
            writer.writerow([f"# {table.title}"])
        writer.writerow(table.header)
        writer.writerows(table.rows)
    return out.getvalue()
