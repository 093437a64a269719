"""The demo RAD: on the demo organisation, with progress, an overdue follow-up and events; runs once; every
plans page renders on it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gugus.accounts.models import User
from gugus.plans import reports, selectors
from gugus.plans.demo import add_plans_demo
from gugus.plans.models import ActionPlan, FollowUp, SocialisationEvent
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def test_demo_plan_with_progress_overdue_task_and_events(client, settings, tmp_path, regions):
    from gugus.core.demo import setup_demo

    settings.DATA_DIR = tmp_path
    assert add_plans_demo() is None  # no demo organisation yet
    setup_demo(persons=0)
    plan = add_plans_demo()
    assert add_plans_demo() == plan and ActionPlan.objects.count() == 1
    assert (plan.start_year, plan.end_year, plan.scope_code) == (2025, 2029, "35")
    evaluation = selectors.evaluate(plan, 2025)
    assert len(evaluation.activities) == 4 and evaluation.percent is not None
    assert any(i.computed and i.realised is not None for a in evaluation.activities for i in a.indicators)
    assert reports.evaluation_pdf(evaluation).startswith(b"%PDF")
    national = User.objects.get(username="sekretariat.pusat")
    assert selectors.overdue_follow_ups(national).count() == 1
    assert SocialisationEvent.objects.count() == 4
    # The province's responsible agencies see the plan they report on; Lombok Timur (another province) does not.
    assert selectors.plans_visible_to(User.objects.get(username="supervisor.jatim")).filter(pk=plan.pk).exists()
    assert not selectors.plans_visible_to(User.objects.get(username="penyidik.lotim")).exists()

    sign_in(client, national)
    activity = plan.programmes.first().activities.first()
    meeting = FollowUp.objects.first().meeting
    urls = [reverse("plans:plan_list"), reverse("plans:plan_detail", args=[plan.pk]) + "?year=2025",
            reverse("plans:progress", args=[activity.pk]), reverse("plans:indicator_add", args=[activity.pk]),
            reverse("plans:activity_add", args=[activity.programme_id]), reverse("plans:meeting_list"),
            reverse("plans:meeting_detail", args=[meeting.pk]), reverse("plans:overdue"),
            reverse("plans:event_list"), reverse("plans:event_detail", args=[SocialisationEvent.objects.first().pk]),
            reverse("plans:reach"), reverse("plans:plan_report", args=[plan.pk, 2025, "pdf"])]
    for url in urls:
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("plans:plan_detail", args=[plan.pk]) + "?year=2025").content.decode()
    assert "Rp 350.000.000" in page and "115%" in page  # 46 villages against a target of 40
    assert "Menyusun jadwal pelatihan" in client.get(reverse("plans:overdue")).content.decode()
