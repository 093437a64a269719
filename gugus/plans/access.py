"""Who may read and write what in the plans room. Selectors and actions both ask here.

A task force's plans, meetings and events are visible to users whose agency's jurisdiction covers the task
force's region (national offices: all), and to the agencies named in them (an activity's responsible or
supporting agency, a meeting's participants and task owners). Writing needs ``plans.manage`` and a
jurisdiction covering the task force. A progress report may be filed by the responsible agency's staff.
"""

from __future__ import annotations

from gugus.plans.config import rules
from gugus.regions.models import is_inside


def task_force_code(task_force) -> str:
    """The scope code of a task force: its region, or "" for the national one."""
    return task_force.region_id or ""


def covers(user, scope_code: str) -> bool:
    """Does the user's jurisdiction include a task force of ``scope_code``? Only national offices cover the
    national task force ("")."""
    jurisdiction = user.jurisdiction
    if jurisdiction == "":
        return True
    if not jurisdiction or not scope_code:
        return False
    return is_inside(scope_code, jurisdiction)


def can_view(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active
                and rules().view_capabilities & user.capabilities)


def can_manage(user, scope_code: str | None = None) -> bool:
    """May write plans at all (``scope_code`` None) or for a task force of ``scope_code``."""
    if not (user and user.is_authenticated and user.can(rules().manage_capability)):
        return False
    return scope_code is None or covers(user, scope_code)


def can_report(user, activity) -> bool:
    """The responsible agency's staff, or the secretariat of a task force covering the plan."""
    if can_manage(user, activity.programme.plan.scope_code):
        return True
    return bool(user.agency_id and user.agency_id == activity.responsible_agency_id
                and rules().report_capabilities & user.capabilities)
