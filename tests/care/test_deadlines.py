"""Deadlines in calendar days, due-soon and overdue boundaries, lists per agency and region, and reminders
that go out once per service per day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from gugus.audit.models import AuditEvent
from gugus.care import actions, selectors
from gugus.care.models import Notification, Reminder
from gugus.care.rules import parse_rules, rules
from gugus.core.errors import GugusError
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def test_deadline_is_seven_calendar_days_for_rehabilitation_and_first_aid():
    r = rules()
    friday = dt.date(2026, 1, 30)
    # Weekends, month ends and holidays all count: calendar days, not working days.
    assert r.deadline("HealthRehabilitation", friday) == dt.date(2026, 2, 6)
    assert r.deadline("FirstAid", dt.date(2024, 2, 26)) == dt.date(2024, 3, 4)  # across 29 February
    for kind in ("SocialRehabilitation", "Repatriation", "SocialReintegration"):
        assert r.kind(kind).deadline_days == 7
    for kind in ("LegalAid", "RestitutionSupport", "WitnessProtection", "ComplaintAndIdentification"):
        assert r.deadline(kind, friday) is None
    assert "Pasal 53" in r.kind("FirstAid").legal_basis


def test_rules_refuse_a_move_to_an_unknown_status():
    with pytest.raises(ValueError):
        parse_rules({"version": "x", "kinds": {}, "statuses": {"requested": {"en": "R", "id": "R",
                                                                             "next": ["lost"]}}})


def test_a_request_stores_its_deadline(care_org, case_and_victim):
    _case, victim = case_and_victim
    service = actions.request_service(actor=care_org.malang_investigator, victim=victim, kind="FirstAid",
                                      requested_on="2024-03-05", provider_agency=care_org.uptd)
    assert service.deadline == dt.date(2024, 3, 12) and service.rules_version == rules().version
    assert service.plan.needs == ["FirstAid"]
    assert AuditEvent.objects.filter(action="care.service.request").exists()


@pytest.mark.parametrize(("offset", "expected"), [(-3, None), (-2, "due_soon"), (-1, "due_soon"), (0, "due_soon"),
                                                  (1, "overdue"), (30, "overdue")])
def test_due_soon_and_overdue_boundaries(care_org, case_and_victim, offset, expected):
    _case, victim = case_and_victim
    service = actions.request_service(actor=care_org.malang_investigator, victim=victim,
                                      kind="HealthRehabilitation", requested_on="2024-03-05")
    today = service.deadline + dt.timedelta(days=offset)
    assert actions.deadline_state(service, today) == expected


def test_a_service_given_in_time_is_not_overdue_later(care_org, case_and_victim):
    _case, victim = case_and_victim
    worker = care_org.malang_investigator
    service = actions.request_service(actor=worker, victim=victim, kind="HealthRehabilitation",
                                      requested_on="2024-03-05", provider_agency=care_org.uptd)
    actions.change_service_status(actor=care_org.uptd_worker, service=service, status="accepted", on="2024-03-06")
    assert actions.deadline_state(service, dt.date(2024, 3, 20)) == "overdue"  # accepted is not given
    actions.change_service_status(actor=care_org.uptd_worker, service=service, status="in_progress",
                                  on="2024-03-08")
    assert service.started_on == dt.date(2024, 3, 8)
    assert actions.deadline_state(service, dt.date(2024, 3, 20)) is None
    with pytest.raises(GugusError) as err:
        actions.change_service_status(actor=worker, service=service, status="requested")
    assert err.value.field == "status"
    with pytest.raises(GugusError) as err:
        actions.change_service_status(actor=worker, service=service, status="not_needed", on="2024-03-01")
    assert err.value.field == "on"


def test_lists_per_agency_and_per_region(care_org, case_and_victim):
    _case, victim = case_and_victim
    today = dt.date(2024, 3, 20)
    overdue = actions.request_service(actor=care_org.malang_investigator, victim=victim,
                                      kind="HealthRehabilitation", requested_on="2024-03-05",
                                      provider_agency=care_org.uptd)
    soon = actions.request_service(actor=care_org.malang_investigator, victim=victim, kind="SocialRehabilitation",
                                   requested_on="2024-03-14", provider_name="Shelter Surabaya")
    actions.request_service(actor=care_org.malang_investigator, victim=victim, kind="SocialReintegration",
                            requested_on="2024-03-19")  # 6 days left
    uptd = selectors.agency_deadlines(care_org.uptd_worker, today)
    assert uptd.overdue == [overdue] and uptd.due_soon == []
    malang = selectors.agency_deadlines(care_org.malang_investigator, today)
    assert malang.due_soon == [soon]  # asked for, provided outside Gugus: the requester follows it up
    # The national secretariat sees its region (all Indonesia); Blitar sees nothing of Malang.
    region = selectors.region_deadlines(care_org.secretariat, today)
    assert region.overdue == [overdue] and region.due_soon == [soon]
    assert not selectors.region_deadlines(care_org.blitar_investigator, today).overdue


def test_deadline_page_shows_overdue(client, care_org, case_and_victim):
    _case, victim = case_and_victim
    actions.request_service(actor=care_org.malang_investigator, victim=victim, kind="HealthRehabilitation",
                            requested_on=dt.date.today() - dt.timedelta(days=10), provider_agency=care_org.uptd)
    sign_in(client, care_org.uptd_worker)
    page = client.get(reverse("care:deadlines")).content.decode()
    assert "deadline-overdue" in page


def test_reminders_go_out_once_per_service_per_day(care_org, case_and_victim, django_capture_on_commit_callbacks):
    _case, victim = case_and_victim
    care_org.uptd_worker.email = "peksos@uptd.example"
    care_org.uptd_worker.save(update_fields=["email"])
    actions.request_service(actor=care_org.malang_investigator, victim=victim, kind="HealthRehabilitation",
                            requested_on="2024-03-05", provider_agency=care_org.uptd)
    actions.request_service(actor=care_org.malang_investigator, victim=victim, kind="LegalAid",
                            requested_on="2024-03-05", provider_agency=care_org.uptd)  # no deadline
    day = dt.date(2024, 3, 13)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_reminders(today=day) == 1
        assert actions.send_reminders(today=day) == 0
        call_command("send-reminders", date=day.isoformat())
    assert Reminder.objects.count() == 1 and Reminder.objects.get().kind == "overdue"
    assert len(mail.outbox) == 1
    assert "Sri" not in mail.outbox[0].body and "TPPO/35.07" in mail.outbox[0].body
    notes = Notification.objects.filter(kind="service_overdue")
    # The provider's and the requesting agency's care staff; nobody else.
    assert {n.user for n in notes} == {care_org.uptd_worker, care_org.malang_investigator,
                                       care_org.malang_case_manager, care_org.malang_supervisor}
    # The next day, one more.
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_reminders(today=day + dt.timedelta(days=1)) == 1
    assert AuditEvent.objects.filter(action="care.reminder").count() == 2


def test_bell_and_notification_page(client, care_org, case_and_victim):
    _case, victim = case_and_victim
    actions.send_referral(actor=care_org.malang_investigator, victim=victim, to_agency=care_org.kbri,
                          reason="AdditionalServicesRequired", services=["Repatriation"])
    sign_in(client, care_org.kbri_staff)
    page = client.get(reverse("care:notifications")).content.decode()
    # The victim's surname: "Sri" alone can occur in the page's random CSRF token.
    assert 'data-testid="care-bell"' in page and "Wahyuni" not in page
    assert selectors.unread_count(care_org.kbri_staff) == 1
    client.post(reverse("care:notifications"))
    assert selectors.unread_count(care_org.kbri_staff) == 0
