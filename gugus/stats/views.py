"""Statistics pages and files: thin views over selectors (reads), privacy (the one suppression rule),
exports and the HTCDS exchange."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gugus.audit.actions import record_event
from gugus.cases import selectors as case_selectors
from gugus.cases.forms import CaseFilterForm
from gugus.core.errors import GugusError
from gugus.core.views import require
from gugus.stats import actions as stats_actions
from gugus.stats import charts, exports, htcds, selectors
from gugus.stats.forms import HtcdsExportForm, HtcdsImportForm
from gugus.stats.models import StatLock
from gugus.stats.privacy import audience_for, public_audience, release_seed
from gugus.stats.report import report_pdf

CACHE_SECONDS = 3600
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _params(request):
    region = selectors.stats_region(request.GET.get("region", ""))
    period = selectors.Period.parse(request.GET.get("period") or request.GET.get("year"))
    return region, period


def _link(name: str, region: str, period) -> str:
    query = {"region": region} if region else {}
    if period.year:
        query["period"] = period.label
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


def _dashboard_context(request, dash, *, link_name: str):
    for tile in (dash.map.cells if dash.map else []):
        if tile.key != dash.region:
            tile.link = _link(link_name, tile.key, dash.period)
    if dash.map and dash.level == 0:
        map_svg = charts.tile_map(dash.map)
    elif dash.map:
        map_svg = charts.tile_map(dash.map, positions=charts.grid_positions([(c.key, c.label) for c in dash.map.cells]))
    else:
        map_svg = ""
    bars = {name: charts.bar_chart(b) for name, b in dash.breakdowns.items()}
    return {
        "dash": dash, "map_svg": map_svg, "bars": bars, "k": _k(),
        "trend_years_svg": charts.line_chart([dash.trend_years["cases"], dash.trend_years["victims"]]),
        "trend_months_svg": charts.line_chart([dash.trend_months["cases"], dash.trend_months["victims"]]),
        "children": _children(dash), "years": dash.years,
        "breadcrumbs": [(name, _link(link_name, code, dash.period)) for code, name in dash.ancestors],
        "query": urlencode({k: v for k, v in (("region", dash.region), ("period", dash.period.label if
                                                                          dash.period.year else "")) if v}),
    }


def _children(dash) -> list[tuple[str, str]]:
    if dash.map is None:
        return []
    return [(c.key, c.label) for c in dash.map.cells if c.key != dash.region]


def _k() -> int:
    from gugus.stats.config import threshold
    return threshold()


def _cached_context(request, audience, region, period, *, link_name: str) -> dict:
    """The dashboard's context with its figures rendered, cached until the summary next changes.

    The key holds everything the figures depend on: the audience's jurisdiction (suppression), region,
    period, language and the summary's version (the time of its last refresh), so a cached page is never
    stale and never shown to a viewer of another jurisdiction."""
    version = StatLock.objects.values_list("refreshed_at", flat=True).first()
    if version is None and stats_actions.ensure_built():
        version = StatLock.objects.values_list("refreshed_at", flat=True).first()
    key = "stats:" + hashlib.sha256(repr((
        audience.jurisdiction, audience.public, audience.epsilon, audience.seed, region, period.year,
        period.month, get_language(), link_name, str(version))).encode()).hexdigest()
    context = cache.get(key)
    if context is None:
        dash = selectors.dashboard(audience, region=region, period=period)
        full = _dashboard_context(request, dash, link_name=link_name)
        context = {k: v for k, v in full.items() if k in ("dash", "k", "children", "years", "breadcrumbs", "query")}
        context["figures"] = mark_safe(render_to_string("stats/_figures.html", full))  # noqa: S308 - our template
        cache.set(key, context, CACHE_SECONDS)
    return context


def dashboard(request):
    require(request.user, "stats.view")
    region, period = _params(request)
    context = _cached_context(request, audience_for(request.user), region, period, link_name="stats:dashboard")
    return render(request, "stats/dashboard.html", context)


def dashboard_file(request, fmt: str):
    require(request.user, "stats.view")
    region, period = _params(request)
    dash = selectors.dashboard(audience_for(request.user), region=region, period=period)
    tables = exports.dashboard_tables(dash)
    record_event(actor=request.user, action="stats.export", data={"region": region, "period": period.label,
                                                                  "format": fmt})
    name = f"statistik-{region or 'ID'}-{period.label if period.year else 'semua'}"
    return _file(exports.to_xlsx(tables) if fmt == "xlsx" else exports.to_csv(tables), name, fmt)


def _file(content, name: str, fmt: str) -> HttpResponse:
    types = {"xlsx": XLSX, "csv": "text/csv; charset=utf-8", "pdf": "application/pdf", "zip": "application/zip"}
    response = HttpResponse(content, content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def report(request):
    """The periodic report as PDF: ?region=35&period=2024 (annual) or 2024-05 (monthly)."""
    require(request.user, "stats.view")
    region, period = _params(request)
    dash = selectors.dashboard(audience_for(request.user), region=region, period=period)
    record_event(actor=request.user, action="stats.report", data={"region": region, "period": period.label})
    pdf = report_pdf(dash, kind="monthly" if period.month else "annual")
    return _file(pdf, f"laporan-{region or 'ID'}-{period.label if period.year else 'semua'}", "pdf")


def case_list_file(request, fmt: str):
    """The case list the user sees on /kasus/, with the same filters, as XLSX or CSV."""
    require(request.user, "person.view")
    form = CaseFilterForm(request.GET or None)
    filters = case_selectors.CaseFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = case_selectors.CaseFilters(
            region=data["region"], status=data["status"], stage=data["stage"],
            exploitation_type=data["exploitation_type"], reported_from=data["reported_from"],
            reported_to=data["reported_to"], child=data["child"], q=data["q"])
    table = exports.case_table(case_selectors.filter_cases(request.user, filters))
    record_event(actor=request.user, action="case.export", object_type="cases.case",
                 data={"rows": len(table.rows), "format": fmt, "filters": request.GET.urlencode()[:500]})
    return _file(exports.to_xlsx([table]) if fmt == "xlsx" else exports.to_csv([table]), "kasus", fmt)


def htcds_page(request):
    require(request.user, "stats.view")
    require(request.user, "person.view")
    export_form = HtcdsExportForm(request.GET or None)
    import_form = HtcdsImportForm()
    if request.GET and export_form.is_valid():
        data = export_form.cleaned_data
        period = selectors.Period.parse(data["period"])
        try:
            content, fmt = htcds.export(request.user, region=data["region"], period=period, fmt=data["format"],
                                        identified=data["identified"])
        except GugusError as exc:
            export_form.add_error(None, exc.message)
        else:
            return _file(content, f"htcds-{data['region'] or 'ID'}-{period.label if period.year else 'semua'}", fmt)
    return render(request, "stats/htcds.html", {"export_form": export_form, "import_form": import_form})


def htcds_import(request):
    require(request.user, "person.create")
    form = HtcdsImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = htcds.import_file(actor=request.user, content=upload.read(), filename=upload.name)
        except GugusError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("%(cases)d cases and %(persons)d persons imported.")
                             % {"cases": result.cases, "persons": result.persons})
            return redirect("stats:htcds")
    return render(request, "stats/htcds.html", {"export_form": HtcdsExportForm(), "import_form": form,
                                                "result": result}, status=400 if request.method == "POST" else 200)


def public(request):
    """National and provincial figures safe to publish: suppressed, rounded, optionally noised."""
    region, period = _params(request)
    if "." in region:
        raise Http404()
    seed = release_seed(region, period.label, timezone.localdate().isoformat())
    context = _cached_context(request, public_audience(seed=seed), region, period, link_name="stats:public")
    return render(request, "stats/public.html", context)
