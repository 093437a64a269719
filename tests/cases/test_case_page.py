"""The case page stays light: its side forms load when a panel is opened (htmx), or on a page of their own
without JavaScript; a form with errors comes back open on the case page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gugus.cases import actions
from tests.factories import make_person, make_user, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(org):
    case = actions.create_case(actor=org.malang_investigator, reported_on="2024-03-01")
    actor = org.malang_investigator
    actions.add_participant(actor=actor, case=case, person=make_person(actor, "Siti Aminah"), role="victim")
    actions.add_participant(actor=actor, case=case, person=make_person(actor, "Agus Salim"), role="perpetrator",
                            perpetrator_roles=["RecruiterOrIntermediary"])
    actions.add_event(actor=actor, case=case, event_type="Recruitment", date="2023-05", region="35.07")
    actions.record_stage(actor=actor, case=case, stage="lp", date="2024-03-01")
    case.refresh_from_db()
    return case


def test_the_case_page_links_its_side_forms_instead_of_rendering_them(client, org, case):
    sign_in(client, org.malang_investigator)
    html = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    for url_name in ("case_record_stage", "case_verdict", "case_add_participant", "case_add_event",
                     "case_identify", "case_edit"):
        url = reverse(f"cases:{url_name}", args=[case.pk])
        assert f'hx-get="{url}"' in html and f'href="{url}"' in html
    assert "<form method=\"post\"" not in html  # no form is rendered until its panel is opened
    assert "Siti Aminah" in html and "Agus Salim" in html


def test_a_side_form_is_a_fragment_for_htmx_and_a_page_without_javascript(client, org, case):
    sign_in(client, org.malang_investigator)
    url = reverse("cases:case_identify", args=[case.pk])
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert "<html" not in body and f'action="{url}"' in body and 'name="csrfmiddlewaretoken"' in body
    victim = case.participants.get(role="victim")
    assert f'value="{victim.pk}" selected' in body  # the only victim is preselected
    page = client.get(url)
    assert page.status_code == 200
    assert "<html" in page.content.decode() and f'action="{url}"' in page.content.decode()
    verdict = client.get(reverse("cases:case_verdict", args=[case.pk]), headers={"HX-Request": "true"})
    assert "Agus Salim" in verdict.content.decode()  # the defendants come from the case


def test_a_side_form_with_errors_comes_back_open_on_the_case_page(client, org, case):
    sign_in(client, org.malang_investigator)
    response = client.post(reverse("cases:case_add_event", args=[case.pk]), {"event_type": "Recruitment",
                                                                             "date": "2023-13"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-panel="event_form" open' in html and 'class="error"' in html
    assert 'hx-get="' + reverse("cases:case_add_participant", args=[case.pk]) + '"' in html


def test_side_forms_follow_capabilities_and_scope(client, org, case):
    prosecutor = make_user(org.malang, "prosecutor", "jaksa.malang")
    sign_in(client, prosecutor)
    html = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert 'data-panel="stage_form"' in html and 'data-panel="participant_form"' not in html
    # A form the role may not use is not found, like any page it may not use.
    assert client.get(reverse("cases:case_add_participant", args=[case.pk])).status_code == 404
    assert client.get(reverse("cases:case_record_stage", args=[case.pk])).status_code == 200
    sign_in(client, org.blitar_investigator)  # another kab/kota: the case does not exist for them
    assert client.get(reverse("cases:case_record_stage", args=[case.pk])).status_code == 404


def test_the_case_page_runs_a_bounded_number_of_queries(client, org, case):
    sign_in(client, org.malang_investigator)
    url = reverse("cases:case_detail", args=[case.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(5):  # more people, events and stages must not mean more queries
        actions.add_participant(actor=org.malang_investigator, case=case,
                                person=make_person(org.malang_investigator, f"Saksi {i}"), role="witness")
        actions.add_event(actor=org.malang_investigator, case=case, event_type="Transit", date="2023-06",
                          country="MY")
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)
