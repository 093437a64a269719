"""Scoped reads of the integrated services. Everything starts from ``cases_visible_to(user)``; referrals and
services are also visible to the agencies that send, receive or provide them — without the case itself when
the victim has not consented."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from gugus.accounts.models import Agency
from gugus.accounts.scope import access_basis, scoped
from gugus.care import notify
from gugus.care.actions import allowed_moves, deadline_state, health_consent, identity_blockers, identity_consent
from gugus.care.models import (
    ClosureRequest,
    Consent,
    Notification,
    Referral,
    ReferralStatus,
    Repatriation,
    Service,
    ServicePlan,
)
from gugus.care.rules import OPEN_STATUSES, rules
from gugus.cases.models import Case, Participant, ParticipantRole
from gugus.cases.selectors import cases_visible_to, get_case
from gugus.core.errors import NotFound
from gugus.regions.models import Region


def get_case_for_care(user, pk, *, purpose: str = "care_view") -> Case:
    """The case for the services page; the read is audited like any case read."""
    return get_case(user, pk, purpose=purpose)


def victims_of(case: Case) -> list[Participant]:
    return list(case.participants.filter(role=ParticipantRole.VICTIM).select_related("person"))


def services_visible_to(user) -> QuerySet[Service]:
    """Services of visible cases, and services the user's agency is asked to provide."""
    visible = Q(case__in=cases_visible_to(user).values("pk"))
    if user.agency_id and user.is_authenticated and user.can("person.view"):
        visible |= Q(provider_agency_id=user.agency_id)
    return Service.objects.filter(visible).select_related("case", "provider_agency", "requesting_agency")


def referrals_visible_to(user) -> QuerySet[Referral]:
    if not user.is_authenticated or not user.can("person.view"):
        return Referral.objects.none()
    visible = Q(case__in=cases_visible_to(user).values("pk"))
    if user.agency_id:
        visible |= Q(from_agency_id=user.agency_id) | Q(to_agency_id=user.agency_id)
    return Referral.objects.filter(visible).select_related("case", "from_agency", "to_agency", "sent_by")


def get_referral(user, pk) -> Referral:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    referral = referrals_visible_to(user).filter(pk=pk).first()
    if referral is None:
        raise NotFound()
    return referral


def incoming_referrals(user) -> QuerySet[Referral]:
    """The receiving agency's inbox: what it is asked to do, before and after it answers."""
    if not user.agency_id:
        return Referral.objects.none()
    return referrals_visible_to(user).filter(to_agency_id=user.agency_id)


def outgoing_referrals(user) -> QuerySet[Referral]:
    if not user.agency_id:
        return Referral.objects.none()
    return referrals_visible_to(user).filter(from_agency_id=user.agency_id)


def case_is_visible(user, case_id: int) -> bool:
    return cases_visible_to(user).filter(pk=case_id).exists()


def services_of_referral(user, referral: Referral) -> list[Service]:
    items = list(referral.services.select_related("provider_agency", "case"))
    for s in items:
        s.moves = [(m, rules().statuses[m].label()) for m in allowed_moves(user, s)]
    return items


def get_service(user, pk) -> Service:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    service = services_visible_to(user).filter(pk=pk).first()
    if service is None:
        raise NotFound()
    return service


def get_repatriation(user, pk) -> Repatriation:
    found = Repatriation.objects.filter(pk=pk, case__in=cases_visible_to(user).values("pk")).first()
    if found is None:
        raise NotFound()
    return found


def get_closure_request(user, pk) -> ClosureRequest:
    found = (ClosureRequest.objects.filter(pk=pk, case__in=cases_visible_to(user).values("pk"))
             .select_related("case").first())
    if found is None:
        raise NotFound()
    return found


def get_consent(user, pk) -> Consent:
    found = Consent.objects.filter(pk=pk, case__in=cases_visible_to(user).values("pk")).select_related("case",
                                                                                                        "victim").first()
    if found is None:
        raise NotFound()
    return found


@dataclass
class VictimCare:
    victim: Participant
    plan: ServicePlan | None
    services: list[Service]
    consents: list[Consent]
    consent_ok: bool


def case_care(user, case: Case, today: dt.date | None = None) -> dict:
    """Everything the services page of a case shows (``case`` was read through :func:`get_case_for_care`)."""
    today = today or timezone.localdate()
    victims = victims_of(case)
    plans = {p.victim_id: p for p in ServicePlan.objects.filter(case=case)}
    # Seen through a referral (not by region or ownership): health notes only with consent to share health.
    grant = access_basis(user, object_type=Case.OBJECT_TYPE, object_id=case.pk, region_code=case.scope_code,
                         owner_agency_id=case.owner_agency_id)
    via_referral = grant is not None and grant.kind == grant.Kind.REFERRAL
    health_ok = {v.pk: not via_referral or health_consent(v, user.agency) for v in victims}
    services = defaultdict(list)
    for s in Service.objects.filter(case=case).select_related("provider_agency", "plan", "referral"):
        s.state = deadline_state(s, today)
        s.days_left = (s.deadline - today).days if s.deadline else None
        s.case = case
        s.notes_hidden = bool(s.notes) and rules().kind(s.kind).health and not health_ok.get(s.plan.victim_id, True)
        s.moves = [(m, rules().statuses[m].label()) for m in allowed_moves(user, s)]
        services[s.plan.victim_id].append(s)
    consents = defaultdict(list)
    for c in Consent.objects.filter(case=case).prefetch_related("agencies"):
        consents[c.victim_id].append(c)
    rows = [VictimCare(v, plans.get(v.pk), services[v.pk], consents[v.pk],
                       any(c.withdrawn_on is None and c.share_identity for c in consents[v.pk])) for v in victims]
    return {
        "victims": rows,
        "referrals": list(case.referrals.select_related("from_agency", "to_agency", "victim__person")),
        "repatriations": list(case.repatriations.select_related("country", "mission", "arrival_region",
                                                                "home_region", "victim__person")
                              .prefetch_related("legs__escort_agency", "legs__handed_to_agency")),
        "conferences": list(case.conferences.prefetch_related("agencies")),
        "closure_requests": list(case.closure_requests.select_related("requested_by", "decided_by")),
    }


def referral_consent_preview(case: Case, victim: Participant, agency: Agency | None) -> dict:
    """Whether a referral to ``agency`` would share identity, and which victims' consent is missing."""
    if agency is None:
        return {"shares": False, "missing": []}
    missing = identity_blockers(case, agency)
    return {"shares": identity_consent(victim, agency) is not None and not missing, "missing": missing}


# --- deadlines ------------------------------------------------------------------------------------------------

@dataclass
class DeadlineLists:
    overdue: list[Service] = field(default_factory=list)
    due_soon: list[Service] = field(default_factory=list)


def _split(services, today: dt.date) -> DeadlineLists:
    lists = DeadlineLists()
    for s in services:
        s.state = deadline_state(s, today)
        s.days_left = (s.deadline - today).days
        if s.state == "overdue":
            lists.overdue.append(s)
        elif s.state == "due_soon":
            lists.due_soon.append(s)
    return lists


def _open_with_deadline(qs: QuerySet[Service], today: dt.date) -> QuerySet[Service]:
    horizon = today + dt.timedelta(days=rules().due_soon_days)
    return (qs.filter(status__in=OPEN_STATUSES, started_on__isnull=True, deadline__isnull=False,
                      deadline__lte=horizon).select_related("case", "provider_agency", "requesting_agency")
            .order_by("deadline", "id"))


def agency_deadlines(user, today: dt.date | None = None) -> DeadlineLists:
    """Services the user's agency must provide, or asked for and nobody in Gugus provides yet."""
    today = today or timezone.localdate()
    if not user.agency_id or not user.can("person.view"):
        return DeadlineLists()
    mine = Q(provider_agency_id=user.agency_id) | Q(requesting_agency_id=user.agency_id,
                                                   provider_agency__isnull=True)
    return _split(_open_with_deadline(Service.objects.filter(mine), today), today)


def region_cases(user) -> QuerySet[Case]:
    """Cases for aggregates: the region of a statistics user (secretariat, analyst), else the visible cases."""
    if user.is_authenticated and user.can("stats.view"):
        return scoped(Case.objects.all(), user, object_type=Case.OBJECT_TYPE, capability="stats.view")
    return cases_visible_to(user)


def region_deadlines(user, today: dt.date | None = None) -> DeadlineLists:
    """Due-soon and overdue services of the task force's region (case references and kinds, no names)."""
    today = today or timezone.localdate()
    qs = Service.objects.filter(case__in=region_cases(user).values("pk"))
    return _split(_open_with_deadline(qs, today), today)


# --- figures --------------------------------------------------------------------------------------------------

@dataclass
class RegionFigures:
    code: str
    name: str
    due: int = 0
    met: int = 0
    days: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    referrals_sent: int = 0
    referrals_accepted: int = 0
    referrals_declined: int = 0

    @property
    def share_met(self) -> float | None:
        return round(100 * self.met / self.due, 1) if self.due else None

    def median(self, kind: str) -> float | None:
        values = self.days.get(kind)
        return statistics.median(values) if values else None

    @property
    def medians(self) -> list[tuple[str, float | None, int]]:
        return [(k, self.median(k), len(self.days.get(k, []))) for k in rules().kinds]


def figures(user, *, level: int = 2, today: dt.date | None = None) -> list[RegionFigures]:
    """Per region (province at level 1, kab/kota at level 2) of the case:
    - share of deadline-bound requests met: given (started) on or before the deadline, among those given or
      whose deadline has passed (requests still inside their deadline are not counted yet);
    - median calendar days from request to the service being given, per kind;
    - referrals sent, accepted and declined."""
    today = today or timezone.localdate()
    cases = region_cases(user).values("pk")
    rows: dict[str, RegionFigures] = {}

    def row(scope: str) -> RegionFigures:
        code = ".".join(scope.split(".")[:level]) if scope else ""
        if code not in rows:
            rows[code] = RegionFigures(code=code, name="")
        return rows[code]

    for s in Service.objects.filter(case__in=cases).values("kind", "requested_on", "deadline", "started_on",
                                                          "status", "case__scope_code"):
        r = row(s["case__scope_code"])
        if s["started_on"]:
            r.days[s["kind"]].append((s["started_on"] - s["requested_on"]).days)
        if s["deadline"] and s["status"] not in ("not_needed",):
            if s["started_on"]:
                r.due += 1
                r.met += s["started_on"] <= s["deadline"]
            elif s["deadline"] < today:
                r.due += 1
    for ref in Referral.objects.filter(case__in=cases).exclude(status=ReferralStatus.RECORDED).values(
            "status", "case__scope_code"):
        r = row(ref["case__scope_code"])
        r.referrals_sent += 1
        if ref["status"] in (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED):
            r.referrals_accepted += 1
        elif ref["status"] == ReferralStatus.DECLINED:
            r.referrals_declined += 1
        elif ref["status"] == ReferralStatus.REVOKED:
            pass
    names = dict(Region.objects.filter(code__in=[c for c in rows if c]).values_list("code", "name"))
    for code, r in rows.items():
        r.name = names.get(code, code or "—")
    return sorted(rows.values(), key=lambda r: r.code)


# --- notifications and approvals ------------------------------------------------------------------------------

def notifications_for(user, *, unread_only: bool = False) -> list[Notification]:
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    items = list(qs[:100])
    for n in items:
        n.text = notify.render(n.kind, n.params)
    return items


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def pending_approvals(user) -> QuerySet[ClosureRequest]:
    if not user.can("approve"):
        return ClosureRequest.objects.none()
    return (ClosureRequest.objects.filter(state=ClosureRequest.State.PENDING,
                                          case__in=cases_visible_to(user).values("pk"))
            .exclude(requested_by=user).select_related("case", "requested_by"))
