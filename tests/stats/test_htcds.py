"""HTCDS v2.0 exchange: the export speaks HTCDS and names nobody; a file re-imports into another agency
and the dashboards then count the same (every HTCDS figure doubles: the original plus the copy)."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from gugus.accounts.models import AgencyKind, Level
from gugus.accounts.roles import Role
from gugus.audit.models import AuditEvent
from gugus.cases.models import Case
from gugus.stats import actions as stats_actions
from gugus.stats import htcds, selectors
from gugus.stats.privacy import audience_for
from tests.factories import make_agency, make_user, sign_in

pytestmark = pytest.mark.django_db
HTCDS_FIELDS = {"cas_Status", "prs_Gender", "prs_Citizenship", "prs_MailingState", "vic_TraffickingStatus",
                "vic_TraffickingStatusDecisionMakingOrg", "vic_MethodOfRecruitment", "vic_TypeOfExploitation",
                "vic_MethodsOfControl", "per_RoleInProcess", "hte_Type", "hte_Date", "hte_Country", "hte_State"}
ROUND_TRIP = ["cases", "victims", "children", "perpetrators"]
ROUND_TRIP_BREAKDOWNS = ["victim_sex", "victim_age", "victim_child", "victim_status", "origin_province",
                         "perpetrator_role", "exploitation", "recruitment", "destination", "case_status"]


def _sheets(content: bytes) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_export_has_htcds_columns_and_no_identity(client, org, registry):
    sign_in(client, org.secretariat)
    response = client.get(reverse("stats:htcds"), {"format": "xlsx", "region": "", "period": ""})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    sheets = _sheets(response.content)
    assert set(sheets) == {"Case", "Person", "HistoricTraffickingEvents"}
    columns = {c for rows in sheets.values() for c in rows[0]}
    assert columns >= HTCDS_FIELDS
    assert all(c.split("_")[0] in {"cas", "prs", "vic", "per", "hte", "gugus"} for c in columns)
    assert not {"prs_FirstName", "prs_Birthdate", "vic_AgeWhenTrafficked", "hte_City"} & columns
    text = repr(sheets)
    for secret in ("Korban Rahasia", "Pelaku Rahasia", "Kota Rahasia", "TPPO/", "0812345678", "Facebook.com"):
        assert secret not in text
    cases = {r[0]: r for r in sheets["Case"][1:]}
    assert len(cases) == 19 and all(len(r[2]) == 7 for r in cases.values())  # year-month only
    regions = {r[3] for r in cases.values()}
    assert regions == {"35.07", "35", "52"}  # Blitar (3 cases) and Lombok Timur (4) generalised
    dates = {r[3] for r in sheets["HistoricTraffickingEvents"][1:]}
    assert all(d is None or len(d) in (4, 7) for d in dates)
    persons = sheets["Person"]
    header = persons[0]
    victims = [dict(zip(header, r, strict=True)) for r in persons[1:] if r[header.index("gugus_Role")] == "Victim"]
    assert {v["prs_Gender"] for v in victims} == {"Feminine", "Masculine"}
    assert {v["gugus_AgeBand"] for v in victims} <= {"12-17", "18-24"}
    assert AuditEvent.objects.filter(action="htcds.export").count() == 1


def test_identified_export_names_persons_and_is_logged(org, registry):
    content, fmt = htcds.export(org.secretariat, fmt="zip", identified=True, region="35.07")
    assert fmt == "zip"
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        persons = list(csv.reader(io.StringIO(zf.read("person.csv").decode())))
    assert "prs_FirstName" in persons[0] and any("Korban Rahasia" in " ".join(r) for r in persons)
    event = AuditEvent.objects.get(action="htcds.export_identified")
    assert len(event.data["ids"]) == 18  # 12 victims + 6 perpetrators of Kab. Malang


def test_htcds_is_not_for_analysts_or_investigators(client, org, registry):
    sign_in(client, org.analyst)
    assert client.get(reverse("stats:htcds")).status_code == 404
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied
        htcds.export(org.malang_investigator)


def _figures(user):
    dash = selectors.dashboard(audience_for(user))
    out = {k: dash.headline[k].shown for k in ROUND_TRIP}
    for name in ROUND_TRIP_BREAKDOWNS:
        out.update({(name, c.key): c.shown for c in dash.breakdowns[name].cells})
    out.update({("month", c.key): c.shown for c in dash.trend_months["cases"].cells})
    return out


def test_round_trip_into_another_agency(org, registry):
    before = _figures(org.analyst)
    content, ext = htcds.export(org.secretariat, fmt="zip")
    assert htcds.read_tables(content, "htcds.zip") == htcds.read_tables(htcds.export(org.secretariat)[0])
    iom = make_agency(Level.NATIONAL, kind=AgencyKind.NGO, name="IOM Indonesia")
    importer = make_user(iom, Role.SECRETARIAT, "iom.data")
    result = htcds.import_file(actor=importer, content=content, filename=f"htcds.{ext}")
    assert result.errors == [] and result.cases == 19 and result.persons == 29
    stats_actions.rebuild()
    after = _figures(org.analyst)
    assert after == {k: 2 * v for k, v in before.items()}
    assert Case.objects.filter(owner_agency=iom).count() == 19
    again = htcds.import_file(actor=importer, content=content, filename=f"htcds.{ext}")
    assert again.cases == 0 and again.skipped == 19  # importing the same file twice adds nothing


def test_flat_csv_like_the_htcds_xlsform_imports(org):
    text = ("prs_Gender,prs_Citizenship,vic_TraffickingStatus,vic_MethodOfRecruitment,vic_TypeOfExploitation,"
            "vic_Methods_of_Control,cas_Status\n"
            "Feminine,ID,ActualVictimOfTrafficking,ThroughOnlineSocialNetworks,ForcedLabour SexualExploitation,"
            "DebtBondage,Active\n")
    result = htcds.import_file(actor=org.malang_investigator, content=text.encode(), filename="xlsform.csv")
    assert result.errors == [] and result.cases == 1 and result.events == 2
    case = Case.objects.get(owner_agency=org.malang)
    assert case.exploitation_types == ["ForcedLabour", "SexualExploitation"] and case.scope_code == "35.07"


def test_import_page(client, org):
    sign_in(client, org.secretariat)
    bad = client.post(reverse("stats:htcds_import"), {"file": io.BytesIO(b"\x00\x01 not a file")})
    assert bad.status_code == 400
