"""Statistics: the dashboards count what the registry holds, drill down by region, and no count below
the threshold ever leaves the viewer's jurisdiction — on the page, in the files, on the public page."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from gugus.audit.models import AuditEvent
from gugus.cases.models import Case, Participant
from gugus.stats import actions as stats_actions
from gugus.stats import selectors
from gugus.stats.models import StatCell
from gugus.stats.privacy import PUBLIC, Audience, Breakdown, Cell, audience_for, protect, public_audience
from tests.factories import sign_in
from tests.stats.conftest import build_case

pytestmark = pytest.mark.django_db
K = 11
REGIONS = ["", "35", "35.07", "35.05", "52", "52.03", "33"]


def all_cells(dash):
    yield from dash.headline.values()
    for b in dash.breakdowns.values():
        yield from b.cells
        if b.total:
            yield b.total
    if dash.map:
        yield from dash.map.cells
        yield dash.map.total
    for series in (dash.trend_years, dash.trend_months):
        for b in series.values():
            yield from b.cells
            yield b.total
    yield from dash.funnel["breakdown"].cells


def assert_no_small_cell_leaves_scope(dash):
    for cell in all_cells(dash):
        assert cell.owned == dash.audience.owns(cell.region)
        if not cell.owned:
            assert cell.shown is None or cell.shown >= K, (dash.region, cell)
            if cell.shown is None:
                assert cell.display == "<11" and cell.shown_amount is None


def test_national_dashboard_matches_a_direct_count(org, registry):
    dash = selectors.dashboard(audience_for(org.analyst))
    victims = Participant.objects.filter(role="victim")
    assert dash.headline["cases"].shown == Case.objects.count() == 19
    assert dash.headline["victims"].shown == victims.count()
    assert dash.headline["children"].shown == victims.filter(is_child=True).count() == 6
    assert dash.headline["perpetrators"].shown == Participant.objects.filter(role="perpetrator").count()
    sex = {c.key: c.shown for c in dash.breakdowns["victim_sex"].cells}
    assert sex == {"F": victims.filter(person__sex="F").count(), "M": 2}
    destinations = {c.key: c.shown for c in dash.breakdowns["destination"].cells}
    assert destinations == {"MY": 12, "SA": 4, "KH": 3}
    funnel = {c.key: c.shown for c in dash.funnel["breakdown"].cells}
    assert funnel == {"reported": 19, "p21": 8, "verdict": 4}
    assert dash.funnel["median_days"]["p21"] == 43.5  # 40 + n for n = 0..7
    restitution = {c.key: (c.shown, c.shown_amount) for c in dash.breakdowns["restitution"].cells}
    assert restitution == {"ordered": (4, 40_000_000), "paid": (2, 8_000_000)}
    provinces = {c.key: c.shown for c in dash.map.cells if c.shown}
    assert provinces == {"35": 15, "52": 4}
    months = {c.key: c.shown for c in dash.trend_years["cases"].cells}
    assert months == {"2023": 2, "2024": 17}


def test_drill_down_province_and_regency(org, registry, analysts):
    jatim = selectors.dashboard(audience_for(analysts.jatim), region="35")
    tiles = {c.key: c.display for c in jatim.map.cells}
    assert tiles["35.07"] == "12" and tiles["35.05"] == "3"  # inside the viewer's province: exact
    blitar = selectors.dashboard(audience_for(analysts.jatim), region="35.05", period=selectors.Period(2024))
    assert blitar.headline["cases"].shown == 3 and blitar.map is None
    assert [name for name, _url in [(n, c) for c, n in blitar.ancestors]] == ["Indonesia", "JAWA TIMUR"] or \
        [c for c, _n in blitar.ancestors] == ["", "35"]


def test_no_cell_below_the_threshold_leaves_its_scope(org, registry, analysts):
    for who in ("malang", "lotim", "jatim", "national"):
        audience = audience_for(getattr(analysts, who))
        for region in REGIONS:
            for period in (selectors.Period(), selectors.Period(2024), selectors.Period(2024, 3)):
                assert_no_small_cell_leaves_scope(selectors.dashboard(audience, region=region, period=period))
    # Kab. Malang's own figures are exact for its analyst, the same figures elsewhere are suppressed.
    audience = audience_for(analysts.malang)
    if audience:
        own = selectors.dashboard(audience, region="35.07", period=selectors.Period(2023))
        assert own.headline["cases"].shown == 2
        national = selectors.dashboard(audience)
        assert national.headline["cases"].shown == 19
        assert {c.key: c.display for c in national.map.cells}["52"] == "<11"
        blitar = selectors.dashboard(audience, region="35.05")
        assert blitar.headline["cases"].display == "<11"


def test_complementary_suppression_hides_a_second_cell():
    cells = [Cell("a", "A", 20, "35.05"), Cell("b", "B", 5, "35.05"), Cell("c", "C", 30, "35.05")]
    out = protect(Breakdown("x", "X", cells, Cell("total", "T", 55, "35.05"), additive=True),
                  Audience(jurisdiction="35.07"))
    assert [c.display for c in out.cells] == ["<11", "<11", "30"] and out.total.shown == 55
    owned = protect(Breakdown("x", "X", cells, Cell("total", "T", 55, "35.05"), additive=True),
                    Audience(jurisdiction="35"))
    assert [c.shown for c in owned.cells] == [20, 5, 30]
    # Nothing else to hide: the total goes instead.
    lone = protect(Breakdown("x", "X", [Cell("a", "A", 30, "35.05"), Cell("b", "B", 4, "35.05")],
                             Cell("total", "T", 34, "35.05"), additive=True), Audience(jurisdiction="35.07"))
    assert [c.display for c in lone.cells] == ["<11", "<11"]


def test_pages_and_files_keep_suppression_and_show_no_identity(client, org, registry, analysts):
    sign_in(client, analysts.malang)
    page = client.get(reverse("stats:dashboard"), {"region": "35.05"})
    assert page.status_code == 200
    assert_no_small_cell_leaves_scope(page.context["dash"])
    html = page.content.decode()
    assert "&lt;11" in html and "<svg" in html
    assert "Korban Rahasia" not in html and "/orang/" not in html and "/kasus/" not in html
    national = client.get(reverse("stats:dashboard"))
    assert national.status_code == 200 and "JATIM" in national.content.decode()
    assert_no_small_cell_leaves_scope(national.context["dash"])

    xlsx = client.get(reverse("stats:dashboard_xlsx"), {"region": "35.05"})
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    counts = [row[1] for ws in wb.worksheets if ws.title not in ("Statistics", "Statistik")
              for row in ws.iter_rows(min_row=2, values_only=True) if isinstance(row[1], int)]
    assert counts == [] or min(counts) >= K
    assert any(row[1] == "<11" for ws in wb.worksheets for row in ws.iter_rows(values_only=True))
    text = client.get(reverse("stats:dashboard_csv"), {"region": "35.05"}).content.decode()
    assert "<11" in text and "Korban Rahasia" not in text
    pdf = client.get(reverse("stats:report"), {"region": "35.05", "period": "2024"})
    assert pdf.content.startswith(b"%PDF") and pdf["Content-Type"] == "application/pdf"
    monthly = client.get(reverse("stats:report"), {"region": "", "period": "2024-03"})
    assert monthly.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="stats.export", actor_id=analysts.malang.pk).exists()
    # Aggregates only: no case list, no HTCDS microdata for an analyst.
    assert client.get(reverse("stats:cases_xlsx")).status_code == 404
    assert client.get(reverse("stats:htcds")).status_code == 404


def test_stats_need_the_capability(client, org):
    sign_in(client, org.malang_investigator)
    assert client.get(reverse("stats:dashboard")).status_code == 404


def test_case_list_export_follows_scope_and_filters(client, org, registry):
    sign_in(client, org.malang_investigator)
    wb = openpyxl.load_workbook(io.BytesIO(client.get(reverse("stats:cases_xlsx")).content))
    rows = list(wb.active.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 12 and all(r[3].startswith("35.07") for r in rows)
    filtered = client.get(reverse("stats:cases_csv"), {"reported_from": "2024-01-01", "child": "true"})
    lines = list(csv.reader(io.StringIO(filtered.content.decode())))
    assert len(lines) - 1 == Case.objects.filter(scope_code="35.07", reported_on__year=2024,
                                                 has_child_victim=True).count() == 5
    assert AuditEvent.objects.filter(action="case.export").count() == 2


def test_public_page_is_suppressed_and_rounded(client, org, registry):
    page = client.get(reverse("stats:public"))
    assert page.status_code == 200
    dash = page.context["dash"]
    assert dash.audience.public
    for cell in all_cells(dash):
        assert not cell.owned and (cell.shown is None or (cell.shown >= K and cell.shown % 5 == 0))
    assert dash.headline["cases"].shown == 20  # 19 rounded to base 5
    province = client.get(reverse("stats:public"), {"region": "35"})
    assert province.status_code == 200
    assert {c.key: c.display for c in province.context["dash"].map.cells}["35.05"] == "<11"
    assert client.get(reverse("stats:public"), {"region": "35.07"}).status_code == 404
    assert "Korban Rahasia" not in province.content.decode()


def test_differentially_private_counts_are_seeded(org, registry):
    first = selectors.dashboard(public_audience(epsilon=1.0, seed=42))
    again = selectors.dashboard(public_audience(epsilon=1.0, seed=42))
    assert [c.shown for c in all_cells(first)] == [c.shown for c in all_cells(again)]
    for cell in all_cells(first):
        assert cell.shown is None or (cell.shown >= K and cell.shown % 5 == 0)
    assert PUBLIC.epsilon == 0


def _snapshot():
    return sorted(StatCell.objects.values_list("level", "region_code", "period", "dimension", "value", "count",
                                               "amount"))


def test_refresh_keeps_the_summary_correct_after_a_change(org, registry):
    case = build_case(org.blitar_investigator, 150, child=True, country="KH")
    assert stats_actions.refresh_case(case) > 0
    incremental = _snapshot()
    stats_actions.rebuild()
    assert incremental == _snapshot()
    assert selectors.dashboard(audience_for(org.analyst)).headline["cases"].shown == 20
    assert stats_actions.refresh_scopes(["35.05"]) == 0  # idempotent
    call_command("stats-refresh", "--region", "35", stdout=io.StringIO())
    assert incremental == _snapshot()
    out = io.StringIO()
    call_command("stats-refresh", stdout=out)
    assert "rebuilt for all regions" in out.getvalue() and incremental == _snapshot()


def test_victim_services_with_a_deadline_are_folded_in(org, registry):
    from gugus.care import actions as care

    case = registry.malang[0]
    victim = case.participants.get(role="victim")
    supervisor = org.jatim_supervisor
    given = care.request_service(actor=supervisor, victim=victim, kind="HealthRehabilitation",
                                 requested_on=case.reported_on, provider_name="RS Bhayangkara")
    care.change_service_status(actor=supervisor, service=given, status="in_progress",
                               on=case.reported_on + dt.timedelta(days=3))
    care.request_service(actor=supervisor, victim=victim, kind="SocialRehabilitation",
                         requested_on=case.reported_on, provider_name="Dinas Sosial")  # never given, overdue
    stats_actions.refresh_case(case)
    services = {c.key: c.shown for c in selectors.dashboard(audience_for(org.analyst)).breakdowns["services"].cells}
    assert services == {"due": 2, "met": 1}


def test_the_hook_refreshes_after_commit(org, registry, django_capture_on_commit_callbacks):
    from gugus.cases import actions

    case = registry.lotim[0]
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_case(actor=org.lotim_investigator, case=case, expected_version=case.version,
                            status="FollowUp")
        stats_actions.refresh_after_commit(case.scope_code)
    lotim = selectors.dashboard(audience_for(org.analyst), region="52.03")
    assert {c.key: c.shown for c in lotim.breakdowns["case_status"].cells} == {"Active": 3, "FollowUp": 1}
    person = case.participants.get(role="victim").person
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_person(actor=org.lotim_investigator, person=person, expected_version=person.version,
                              sex="M")
        stats_actions.refresh_person_after_commit(person)
    lotim = selectors.dashboard(audience_for(org.analyst), region="52.03")
    assert {c.key: c.shown for c in lotim.breakdowns["victim_sex"].cells} == {"F": 3, "M": 1}


def test_a_small_registry_is_summarised_on_first_view(client, org):
    build_case(org.malang_investigator, 1)
    assert not StatCell.objects.exists()
    sign_in(client, org.analyst)
    page = client.get(reverse("stats:dashboard"))
    assert page.context["dash"].headline["cases"].shown == 1 and StatCell.objects.exists()
