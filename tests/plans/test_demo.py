"""The demo RAD: on the demo organisation, with progress, an overdue follow-up and events; runs once."""

from __future__ import annotations

import pytest

from gugus.accounts.models import User
from gugus.plans import reports, selectors
from gugus.plans.demo import add_plans_demo
from gugus.plans.models import ActionPlan, SocialisationEvent

pytestmark = pytest.mark.django_db


def test_demo_plan_with_progress_overdue_task_and_events(settings, tmp_path, regions):
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
    # The province's responsible agencies see the plan they report on.
    assert selectors.plans_visible_to(User.objects.get(username="supervisor.jatim")).filter(pk=plan.pk).exists()
    # Lombok Timur, another province, does not.
    assert not selectors.plans_visible_to(User.objects.get(username="penyidik.lotim")).exists()
