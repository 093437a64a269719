"""Coordination meetings, follow-up tasks (case links in scope, overdue list), reminders once a day, and
socialisation events with their reach per region."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from gugus.audit.models import AuditEvent
from gugus.cases import actions as cases
from gugus.core.errors import GugusError, NotFound
from gugus.plans import actions, selectors
from gugus.plans.models import FollowUpReminder, FollowUpStatus
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 10)


@pytest.fixture
def meeting(org, tf):
    return actions.create_meeting(actor=tf.jatim_secretariat, task_force=tf.jatim, title="Rakor evaluasi RAD",
                                  date="2025-05-20", place="Surabaya", agenda="Capaian RAD",
                                  decisions="Jadwal pelatihan", participants={org.jatim: 2, org.malang: 1})


def test_follow_up_links_only_to_cases_in_scope_and_shows_overdue(org, tf, meeting, rad):
    own_case = cases.create_case(actor=org.malang_investigator, reported_on="2025-01-05")
    other_case = cases.create_case(actor=org.lotim_investigator, reported_on="2025-01-06")
    secretariat = tf.jatim_secretariat
    late = actions.add_follow_up(actor=secretariat, meeting=meeting, description="Susun jadwal pelatihan",
                                 owner_agency=org.jatim, due_date=TODAY - dt.timedelta(days=3), case_id=own_case.pk,
                                 activity=rad.activity)
    actions.add_follow_up(actor=secretariat, meeting=meeting, description="Petakan rumah aman",
                          owner_agency=org.malang, due_date=TODAY + dt.timedelta(days=10))
    for bad in (other_case.pk, 999_999, "abc"):  # another province's case, a missing one: the same answer
        with pytest.raises(GugusError) as exc:
            actions.add_follow_up(actor=secretariat, meeting=meeting, description="X", owner_agency=org.jatim,
                                  due_date=TODAY, case_id=bad)
        assert exc.value.field == "case_id"
    assert list(selectors.overdue_follow_ups(secretariat, today=TODAY)) == [late]
    assert list(selectors.overdue_follow_ups(tf.ntb_secretariat, today=TODAY)) == []
    # The owner agency's staff may close it; then it is no longer overdue.
    actions.set_follow_up_status(actor=org.jatim_supervisor, follow_up=late, status=FollowUpStatus.DONE,
                                 note="Jadwal terbit")
    assert list(selectors.overdue_follow_ups(secretariat, today=TODAY)) == []
    with pytest.raises(NotFound):
        actions.set_follow_up_status(actor=org.blitar_investigator, follow_up=late, status=FollowUpStatus.OPEN)
    actions_logged = set(AuditEvent.objects.filter(object_type="plans.followup").values_list("action", flat=True))
    assert actions_logged == {"meeting.follow_up_add", "meeting.follow_up_status"}


def test_meeting_scope_and_pages(client, org, tf, meeting):
    sign_in(client, tf.ntb_secretariat)
    assert client.get(reverse("plans:meeting_detail", args=[meeting.pk])).status_code == 404
    assert not selectors.meetings_visible_to(tf.ntb_secretariat).exists()
    with pytest.raises(NotFound):
        actions.update_meeting(actor=tf.ntb_secretariat, meeting=meeting, minutes="Disisipkan")
    # Participating agencies see the meeting even outside the task force's jurisdiction rule.
    assert selectors.meetings_visible_to(org.malang_investigator).filter(pk=meeting.pk).exists()
    sign_in(client, tf.jatim_secretariat)
    response = client.post(reverse("plans:meeting_detail", args=[meeting.pk]), {
        "form": "follow_up", "description": "Kirim data korban", "owner_agency": org.jatim.pk,
        "due_date": "2020-01-01"})
    assert response.status_code == 302
    response = client.post(reverse("plans:meeting_detail", args=[meeting.pk]), {
        "form": "minutes", "minutes": "Dibahas capaian", "decisions": "Disepakati"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Dibahas capaian"
    page = client.get(reverse("plans:overdue")).content.decode()
    assert "Kirim data korban" in page
    follow_up = meeting.follow_ups.get()
    client.post(reverse("plans:follow_up_status", args=[follow_up.pk]), {"status": "done", "next": "overdue"})
    assert "Kirim data korban" not in client.get(reverse("plans:overdue")).content.decode()


def test_reminders_are_sent_once_per_task_per_day(org, tf, meeting, django_capture_on_commit_callbacks):
    make_user(org.jatim, username="staf.jatim", email="staf@polda-jatim.test")
    secretariat = tf.jatim_secretariat
    actions.add_follow_up(actor=secretariat, meeting=meeting, description="Susun jadwal", owner_agency=org.jatim,
                          due_date=TODAY - dt.timedelta(days=1))
    actions.add_follow_up(actor=secretariat, meeting=meeting, description="Nanti saja", owner_agency=org.jatim,
                          due_date=TODAY + dt.timedelta(days=30))
    actions.add_follow_up(actor=secretariat, meeting=meeting, description="Segera", owner_agency=org.malang,
                          due_date=TODAY + dt.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("plan-reminders", date=TODAY.isoformat())
    assert len(mail.outbox) == 1  # Polres Malang has no user with an e-mail address; the reminder is still noted
    assert "Susun jadwal" in mail.outbox[0].subject and mail.outbox[0].to == ["staf@polda-jatim.test"]
    assert FollowUpReminder.objects.filter(day=TODAY).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        call_command("plan-reminders", date=TODAY.isoformat())
        counts = actions.send_reminders(today=TODAY)
    assert counts["tasks"] == 0 and len(mail.outbox) == 1
    # The next day the overdue task is reminded again.
    with django_capture_on_commit_callbacks(execute=True):
        actions.send_reminders(today=TODAY + dt.timedelta(days=1))
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="meeting.follow_up_remind").count() == 4


def test_events_and_reach_per_region(client, org, tf):
    secretariat = tf.jatim_secretariat
    actions.create_event(actor=secretariat, task_force=tf.jatim, title="Sosialisasi CPMI", date="2025-03-01",
                         region_code="35.07.01", target_group="prospective_migrant_workers", channel="in_person",
                         attendance={("F", "18_24"): 20, ("M", "18_24"): 10})
    actions.create_event(actor=secretariat, task_force=tf.jatim, title="Sekolah", date="2025-04-01",
                         region_code="35.07", target_group="students", channel="in_person",
                         attendance={("F", "child"): 30, ("M", "child"): 25})
    actions.create_event(actor=secretariat, task_force=tf.jatim, title="Radio", date="2025-05-01", region_code="35.05",
                         target_group="general_public", channel="radio", attendance={("F", "25_59"): 7})
    actions.create_event(actor=secretariat, task_force=tf.jatim, title="Tahun lalu", date="2024-05-01",
                         region_code="35.05", target_group="general_public", channel="radio",
                         attendance={("F", "25_59"): 100})
    actions.create_event(actor=tf.ntb_secretariat, task_force=tf.ntb, title="NTB", date="2025-05-01",
                         region_code="52.03", target_group="students", channel="radio", attendance={("F", "child"): 9})
    with pytest.raises(GugusError) as exc:  # outside the task force's region
        actions.create_event(actor=secretariat, task_force=tf.jatim, title="X", date="2025-05-01", region_code="52.03",
                             target_group="students", channel="radio")
    assert exc.value.field == "region_code"
    with pytest.raises(GugusError) as exc:  # not in the vocabulary
        actions.create_event(actor=secretariat, task_force=tf.jatim, title="X", date="2025-05-01", region_code="35",
                             target_group="aliens", channel="radio")
    assert exc.value.field == "target_group"
    rows = selectors.reach(secretariat, date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31))
    assert [(r.code, r.events, r.participants, r.female, r.male, r.children) for r in rows] == [
        ("35.05", 1, 7, 7, 0, 0), ("35.07", 2, 85, 50, 35, 55)]
    assert rows[1].name == "Malang" or "Malang" in rows[1].name
    [province] = selectors.reach(secretariat, date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31), level=1)
    assert (province.code, province.participants) == ("35", 92)
    national = selectors.reach(org.secretariat, date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31), level=1)
    assert [r.code for r in national] == ["35", "52"]
    sign_in(client, secretariat)
    page = client.get(reverse("plans:reach") + "?date_from=2025-01-01&date_to=2025-12-31&level=2").content.decode()
    assert "85" in page and "Lombok" not in page  # NTB's kab/kota (a short code could occur in the CSRF token)
    response = client.post(reverse("plans:event_create"), {
        "task_force": tf.jatim.pk, "title": "Webinar", "date": "2025-06-01", "region_code": "35",
        "target_group": "civil_servants", "channel": "online_meeting", "n_F_25_59": "12", "n_M_25_59": "8"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.get(response.url).status_code == 200
    assert AuditEvent.objects.filter(action="event.create").count() == 6
