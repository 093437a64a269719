"""Every write of the integrated services: plans, services, consent, referrals, reminders, repatriation,
case conferences and closure. Each validates, writes and records its audit event in one transaction;
notifications are rows written in the same transaction, e-mails leave after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gugus.accounts.actions import grant_access, revoke_access
from gugus.accounts.models import AccessGrant, Agency, User
from gugus.audit.actions import record_event
from gugus.care import notify
from gugus.care.models import (
    CaseConference,
    ClosureRequest,
    Consent,
    ConsentGiver,
    ConsentMethod,
    LegStage,
    Notification,
    Referral,
    ReferralStatus,
    Reminder,
    Repatriation,
    RepatriationLeg,
    Service,
    ServicePlan,
)
from gugus.care.rules import OPEN_STATUSES, rules
from gugus.cases.models import Case, Participant, ParticipantRole
from gugus.cases.selectors import cases_visible_to
from gugus.cases.vocabularies import vocabulary
from gugus.core.errors import GugusError, NotFound, PermissionDenied
from gugus.regions.models import Country, Region
from gugus.regions.selectors import region_or_error
from gugus.stats.actions import refresh_after_commit

# Who may plan services, record consent and refer: case managers and supervisors ("service.manage") and
# investigators ("process.edit"), since the police refer most victims at intake.
CARE_CAPABILITIES = ("service.manage", "process.edit")
CLOSED_STATUSES = ("Closed", "ClosedReferred")
AGE_GROUPS = ((0, 11, "0-11"), (12, 17, "12-17"), (18, 24, "18-24"), (25, 34, "25-34"), (35, 44, "35-44"),
              (45, 59, "45-59"), (60, 200, "60+"))


# --- checks ---------------------------------------------------------------------------------------------------

def can_care(user) -> bool:
    return any(user.can(c) for c in CARE_CAPABILITIES)


def _require_care(actor) -> None:
    # Care work is done for an agency (it requests, provides, sends and receives): no agency, no care work.
    if not can_care(actor) or not actor.agency_id:
        raise PermissionDenied()


def _require_case(actor, case: Case) -> None:
    """Actions check scope too (views already read through the selectors): out of scope is "not found"."""
    if not cases_visible_to(actor).filter(pk=case.pk).exists():
        raise NotFound()


def _victim(victim: Participant) -> Participant:
    if victim.role != ParticipantRole.VICTIM:
        raise GugusError(_("Choose a victim of this case."), field="victim")
    return victim


def _day(value, field: str, *, default_today: bool = False, future_ok: bool = False) -> dt.date | None:
    if value in (None, ""):
        return timezone.localdate() if default_today else None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise GugusError(_("Write the date as YYYY-MM-DD."), field=field) from None
    if not future_ok and value > timezone.localdate():
        raise GugusError(_("This date is in the future."), field=field)
    return value


def _kinds(codes: Iterable[str], field: str) -> list[str]:
    codes = [c for c in ([codes] if isinstance(codes, str) else list(codes or [])) if c]
    unknown = [c for c in codes if c not in rules().kinds]
    if unknown:
        raise GugusError(_("Unknown service: %(codes)s.") % {"codes": ", ".join(unknown)}, field=field)
    return list(dict.fromkeys(codes))


def _audit(actor, event: str, case: Case, /, **data) -> None:
    record_event(actor=actor, action=f"care.{event}", object_type=Case.OBJECT_TYPE, object_id=case.pk, data=data)


# --- notifications --------------------------------------------------------------------------------------------

def _care_users(agency: Agency | None) -> list[User]:
    if agency is None:
        return []
    users = User.objects.filter(agency=agency, is_active=True, is_service=False)
    return [u for u in users if can_care(u) or u.can("approve")]


def _notify(users: Iterable[User], kind: str, *, case: Case | None = None, referral: Referral | None = None,
            service_row: Service | None = None, email: bool = True, **params) -> int:
    """Notifications in the app (same transaction) and by e-mail (after commit) to ``users``."""
    users = list({u.pk: u for u in users if u is not None}.values())
    if case is not None:
        params.setdefault("case", case.reference)
    Notification.objects.bulk_create([Notification(user=u, kind=kind, params=params, case=case, referral=referral,
                                                   service=service_row) for u in users])
    if email:
        addressed = [u.email for u in users if u.email]
        if addressed:
            with translation.override(settings.LANGUAGE_CODE):
                body = notify.render(kind, params)
            subject = f"[Gugus TPPO] {body[:70]}"
            sender = settings.DEFAULT_FROM_EMAIL
            messages = [(subject, body + "\n\n" + _email_footer(), sender, [to]) for to in addressed]
            transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return len(users)


def _email_footer() -> str:
    return _("Open Gugus to see the details. This message names no victim on purpose.")


def mark_notifications_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


# --- needs assessment and services ----------------------------------------------------------------------------

def assess_needs(*, actor, victim: Participant, needs: Iterable[str], assessment: str = "", assessed_on=None,
                 urgent: bool = False) -> ServicePlan:
    """Creates or updates the victim's service plan with the needs found."""
    _require_care(actor)
    _victim(victim)
    _require_case(actor, victim.case)
    needs = _kinds(needs, "needs")
    day = _day(assessed_on, "assessed_on", default_today=True)
    with transaction.atomic():
        plan, created = ServicePlan.objects.select_for_update().get_or_create(
            victim=victim, defaults={"case": victim.case, "assessed_on": day, "assessed_by": actor})
        plan.needs, plan.assessment, plan.urgent = needs, assessment.strip(), bool(urgent)
        plan.assessed_on, plan.assessed_by = day, actor
        plan.save()
        _audit(actor, "plan.create" if created else "plan.update", victim.case, plan=plan.pk, victim=victim.pk,
               needs=needs, urgent=bool(urgent))
    return plan


def _plan(actor, victim: Participant) -> ServicePlan:
    plan = ServicePlan.objects.filter(victim=victim).first()
    if plan is None:
        plan = ServicePlan.objects.create(case=victim.case, victim=victim, assessed_on=timezone.localdate(),
                                          assessed_by=actor)
    return plan


def _provider(provider_agency: Agency | None, provider_name: str) -> tuple[Agency | None, str]:
    provider_name = (provider_name or "").strip()
    if provider_agency is not None and provider_name:
        raise GugusError(_("Choose an agency in Gugus or name a provider outside it, not both."),
                         field="provider_name")
    if provider_agency is not None and not provider_agency.active:
        raise GugusError(_("This agency is no longer active."), field="provider_agency")
    return provider_agency, provider_name


def _new_service(actor, victim: Participant, kind: str, requested_on: dt.date, provider_agency, provider_name,
                 notes: str = "", referral: Referral | None = None) -> Service:
    plan = _plan(actor, victim)
    if kind not in plan.needs:
        plan.needs = [*plan.needs, kind]
        plan.save(update_fields=["needs", "updated_at"])
    return Service.objects.create(
        plan=plan, case=victim.case, kind=kind, provider_agency=provider_agency, provider_name=provider_name,
        requesting_agency=actor.agency, referral=referral, status="requested", requested_on=requested_on,
        deadline=rules().deadline(kind, requested_on), rules_version=rules().version, notes=notes.strip(),
        requested_by=actor)


def request_service(*, actor, victim: Participant, kind: str, requested_on=None,
                    provider_agency: Agency | None = None, provider_name: str = "", notes: str = "") -> Service:
    """Records a request for a service. Its deadline is the request date plus the kind's calendar days."""
    _require_care(actor)
    _victim(victim)
    _require_case(actor, victim.case)
    kind = (_kinds([kind], "kind") or [None])[0]
    if kind is None:
        raise GugusError(_("Choose a service."), field="kind")
    day = _day(requested_on, "requested_on", default_today=True)
    if day < victim.case.reported_on - dt.timedelta(days=366):
        raise GugusError(_("This date is long before the case was reported."), field="requested_on")
    provider_agency, provider_name = _provider(provider_agency, provider_name)
    with transaction.atomic():
        service = _new_service(actor, victim, kind, day, provider_agency, provider_name, notes)
        refresh_after_commit(service.case)  # the 7-day figures
        _audit(actor, "service.request", victim.case, service=service.pk, victim=victim.pk, kind=kind,
               provider=provider_agency.pk if provider_agency else None, external=bool(provider_name),
               deadline=service.deadline)
    return service


def _related(actor, service: Service) -> bool:
    return bool(actor.agency_id) and actor.agency_id in (service.provider_agency_id, service.requesting_agency_id,
                                                         service.case.owner_agency_id)


def allowed_moves(actor, service: Service) -> list[str]:
    """The statuses ``actor`` may move ``service`` to. A provider in Gugus answers for itself (accepts, gives,
    declines); the requesting agency or the case's owner may only withdraw the request or renew it, and
    moves a service without a provider in Gugus itself."""
    if not can_care(actor) or not actor.agency_id:
        return []
    moves = list(rules().statuses[service.status].next)
    if actor.agency_id == service.provider_agency_id:
        return moves
    if actor.agency_id in (service.requesting_agency_id, service.case.owner_agency_id):
        return [m for m in moves if m in ("not_needed", "requested")] if service.provider_agency_id else moves
    return []


def _set_status(service: Service, status: str, day: dt.date) -> list[str]:
    changed = ["status"]
    service.status = status
    if status == "accepted" and service.accepted_on is None:
        service.accepted_on = day
        changed.append("accepted_on")
    if rules().started(status) and service.started_on is None:
        service.started_on = day
        changed.append("started_on")
    if status == "delivered":
        service.delivered_on = day
        changed.append("delivered_on")
    if status in ("declined", "not_needed"):
        service.closed_on = day
        changed.append("closed_on")
    if status == "requested":
        service.closed_on = service.accepted_on = None
        changed += ["closed_on", "accepted_on"]
    return changed


def change_service_status(*, actor, service: Service, status: str, on=None, note: str = "") -> Service:
    """Moves a service along the allowed statuses (data/services.toml); the provider, the requesting agency
    or the case's owner may do so."""
    _require_care(actor)
    if actor.agency_id != service.provider_agency_id:  # a provider may not see the case (no consent)
        _require_case(actor, service.case)
    if not _related(actor, service):
        raise NotFound()
    if status not in rules().statuses:
        raise GugusError(_("Unknown status."), field="status")
    if (service.referral_id and service.referral.status == ReferralStatus.SENT
            and actor.agency_id == service.provider_agency_id):
        raise GugusError(_("Accept the referral first."), field="status")
    if status not in allowed_moves(actor, service):
        raise GugusError(_("A service cannot move from “%(old)s” to “%(new)s”.") % {
            "old": rules().statuses[service.status].label(), "new": rules().statuses[status].label()},
            field="status")
    if status == "declined" and not note.strip():
        raise GugusError(_("Say why the service is declined."), field="note")
    day = _day(on, "on", default_today=True)
    if day < service.requested_on:
        raise GugusError(_("This date is before the request."), field="on")
    old = service.status
    with transaction.atomic():
        changed = _set_status(service, status, day)
        if note.strip():
            service.notes = f"{service.notes}\n{day}: {note.strip()}".strip()
            changed.append("notes")
        service.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
        refresh_after_commit(service.case)  # the 7-day figures
        _audit(actor, "service.status", service.case, service=service.pk, old=old, new=status, on=day)
    return service


def assign_provider(*, actor, service: Service, provider_agency: Agency | None = None,
                    provider_name: str = "") -> Service:
    """A new provider for a declined or unassigned request. The deadline stays that of the victim's request."""
    _require_care(actor)
    _require_case(actor, service.case)
    if service.status not in ("declined", "requested", "not_needed"):
        raise GugusError(_("Only a request not yet accepted can get another provider."), field="provider_agency")
    provider_agency, provider_name = _provider(provider_agency, provider_name)
    if provider_agency is None and not provider_name:
        raise GugusError(_("Choose the provider."), field="provider_agency")
    with transaction.atomic():
        changed = _set_status(service, "requested", timezone.localdate())
        service.provider_agency, service.provider_name, service.referral = provider_agency, provider_name, None
        service.save(update_fields=[*changed, "provider_agency", "provider_name", "referral", "updated_at"])
        _audit(actor, "service.assign", service.case, service=service.pk,
               provider=provider_agency.pk if provider_agency else None, external=bool(provider_name))
    return service


# --- consent --------------------------------------------------------------------------------------------------

def record_consent(*, actor, victim: Participant, given_on, method: str, given_by: str,
                   share_identity: bool = False, share_case_details: bool = False, share_health: bool = False,
                   any_receiver: bool = False, agencies: Iterable[Agency] = (), guardian_name: str = "",
                   guardian_relationship: str = "", child_assent: bool = False, guidance: Iterable[str] = (),
                   note: str = "") -> Consent:
    """Records the victim's informed consent. For a child, only a parent's or guardian's consent counts."""
    _require_care(actor)
    _victim(victim)
    _require_case(actor, victim.case)
    if method not in ConsentMethod.values:
        raise GugusError(_("Say how the consent was given."), field="method")
    if given_by not in ConsentGiver.values:
        raise GugusError(_("Say who gave the consent."), field="given_by")
    if victim.is_child and given_by != ConsentGiver.GUARDIAN:
        raise GugusError(_("The victim is a child: a parent's or guardian's consent is required."),
                         field="given_by")
    if given_by == ConsentGiver.GUARDIAN and not guardian_name.strip():
        raise GugusError(_("Write the guardian's name."), field="guardian_name")
    agencies = list(agencies or [])
    if not (share_identity or share_case_details or share_health):
        raise GugusError(_("Tick what may be shared (or record no consent at all)."), field="share_identity")
    if not any_receiver and not agencies:
        raise GugusError(_("Say with whom it may be shared: any receiving agency, or named agencies."),
                         field="agencies")
    guidance = [c for c in (guidance or []) if c]
    unknown = [c for c in guidance if not vocabulary("consent_guidance").is_valid(c)]
    if unknown:
        raise GugusError(_("Unknown value: %(codes)s.") % {"codes": ", ".join(unknown)}, field="guidance")
    day = _day(given_on, "given_on")
    if day is None:
        raise GugusError(_("When was the consent given?"), field="given_on")
    with transaction.atomic():
        consent = Consent.objects.create(
            case=victim.case, victim=victim, share_identity=share_identity, share_case_details=share_case_details,
            share_health=share_health, any_receiver=any_receiver, given_on=day, method=method, given_by=given_by,
            guardian_name=guardian_name.strip(), guardian_relationship=guardian_relationship.strip(),
            child_assent=child_assent, guidance=guidance, note=note.strip(), recorded_by=actor)
        consent.agencies.set(agencies)
        _audit(actor, "consent.record", victim.case, consent=consent.pk, victim=victim.pk, method=method,
               given_by=given_by, identity=share_identity, case_details=share_case_details, health=share_health,
               any_receiver=any_receiver, agencies=[a.pk for a in agencies])
    return consent


def consent_is_valid(consent: Consent, victim: Participant) -> bool:
    """Not withdrawn, and — the victim being a child now — given by a guardian."""
    if consent.withdrawn_on is not None:
        return False
    return not (victim.is_child and consent.given_by != ConsentGiver.GUARDIAN)


def identity_consent(victim: Participant, agency: Agency | None) -> Consent | None:
    """The victim's valid consent that lets ``agency`` see their identity and case details, if any."""
    if agency is None:
        return None
    for consent in victim.consents.filter(withdrawn_on__isnull=True, share_identity=True,
                                          share_case_details=True).prefetch_related("agencies"):
        if consent_is_valid(consent, victim) and (consent.any_receiver
                                                  or any(a.pk == agency.pk for a in consent.agencies.all())):
            return consent
    return None


def health_consent(victim: Participant, agency: Agency | None) -> bool:
    """May ``agency`` read the victim's health information (notes of health services)?"""
    if agency is None:
        return False
    return any(consent_is_valid(c, victim) and (c.any_receiver or any(a.pk == agency.pk for a in c.agencies.all()))
               for c in victim.consents.filter(withdrawn_on__isnull=True, share_health=True)
               .prefetch_related("agencies"))


def identity_blockers(case: Case, agency: Agency | None) -> list[Participant]:
    """Victims of ``case`` whose consent does not cover ``agency``. A referral opens the whole case, so every
    victim in it must have consented; otherwise the referral carries only the non-identifying summary."""
    victims = case.participants.filter(role=ParticipantRole.VICTIM)
    return [v for v in victims if identity_consent(v, agency) is None]


def withdraw_consent(*, actor, consent: Consent, on=None, note: str = "") -> Consent:
    """Withdrawal ends, at once, every access that rested on this consent."""
    _require_care(actor)
    _require_case(actor, consent.case)
    if consent.withdrawn_on is not None:
        raise GugusError(_("This consent was already withdrawn."))
    day = _day(on, "on", default_today=True)
    with transaction.atomic():
        consent.withdrawn_on, consent.withdrawal_note = day, note.strip()
        consent.save(update_fields=["withdrawn_on", "withdrawal_note"])
        _audit(actor, "consent.withdraw", consent.case, consent=consent.pk, victim=consent.victim_id)
        for referral in Referral.objects.filter(case=consent.case, shares_identity=True,
                                                status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED]):
            if identity_blockers(referral.case, referral.to_agency):
                referral.shares_identity = False
                referral.save(update_fields=["shares_identity"])
                _end_grant(actor, referral, _("consent withdrawn"))
                _notify(_care_users(referral.to_agency), "consent_withdrawn", case=referral.case,
                        referral=referral)
    return consent


# --- referrals ------------------------------------------------------------------------------------------------

def _age_group(age: int | None) -> str:
    if age is None:
        return "unknown"
    return next(label for low, high, label in AGE_GROUPS if low <= age <= high)


def non_identifying_summary(victim: Participant, services: list[str]) -> dict:
    """What a receiver may know without consent: sex, age group, needs, services, kab/kota."""
    person = victim.person
    age = person.age_on(timezone.localdate())
    if age is None:
        age = victim.age_at_events
    origin = person.origin_region_id or victim.case.scope_code or ""
    kabkota = ".".join(origin.split(".")[:2]) if origin else ""
    region = Region.objects.filter(code=kabkota).first() if kabkota else None
    plan = ServicePlan.objects.filter(victim=victim).first()
    child = victim.is_child or (age is not None and age < 18)
    return {"sex": person.sex, "age_group": _age_group(age), "child": bool(child),
            "needs": list(plan.needs) if plan else [], "services": services, "region": kabkota,
            "region_name": region.name if region else ""}


def send_referral(*, actor, victim: Participant, reason: str, services: Iterable[str] = (),
                  to_agency: Agency | None = None, to_external: str = "", message: str = "",
                  sent_on=None) -> Referral:
    """Refers a victim to another agency. With consent of every victim of the case covering the receiver, the
    referral shares identity (access on acceptance); without it, only the non-identifying summary."""
    _require_care(actor)
    _victim(victim)
    case = victim.case
    _require_case(actor, case)
    to_external = (to_external or "").strip()
    if (to_agency is None) == (not to_external):
        raise GugusError(_("Choose the receiving agency in Gugus, or name one outside it."), field="to_agency")
    if to_agency is not None and to_agency.pk == actor.agency_id:
        raise GugusError(_("A referral goes to another agency."), field="to_agency")
    if to_agency is not None and not to_agency.active:
        raise GugusError(_("This agency is no longer active."), field="to_agency")
    if not vocabulary("referral_reasons").is_valid(reason or ""):
        raise GugusError(_("Choose the reason for the referral."), field="reason")
    services = _kinds(services, "services")
    if not services:
        raise GugusError(_("Choose at least one service the receiver should provide."), field="services")
    if case.status in CLOSED_STATUSES:
        raise GugusError(_("The case is closed."))
    day = _day(sent_on, "sent_on", default_today=True)
    consent = identity_consent(victim, to_agency) if to_agency else None
    shares = to_agency is not None and consent is not None and not identity_blockers(case, to_agency)
    with transaction.atomic():
        referral = Referral.objects.create(
            case=case, victim=victim, from_agency=actor.agency, to_agency=to_agency, to_external=to_external,
            reason=reason, service_kinds=services, message=message.strip(),
            status=ReferralStatus.SENT if to_agency else ReferralStatus.RECORDED, shares_identity=shares,
            consent=consent if shares else None, summary=non_identifying_summary(victim, services), sent_on=day,
            sent_by=actor)
        for kind in services:
            _new_service(actor, victim, kind, day, to_agency, to_external, referral=referral)
        _audit(actor, "referral.send", case, referral=referral.pk, victim=victim.pk,
               to_agency=to_agency.pk if to_agency else None, external=bool(to_external), services=services,
               shares_identity=shares, consent=consent.pk if shares else None)
        if to_agency is not None:
            _notify(_care_users(to_agency), "referral_received", case=case, referral=referral,
                    agency=str(actor.agency), services=services)
    return referral


def _receiver(actor, referral: Referral) -> None:
    if not actor.agency_id or actor.agency_id != referral.to_agency_id:
        raise NotFound()


def _sender(actor, referral: Referral) -> None:
    if not actor.agency_id or actor.agency_id != referral.from_agency_id:
        raise NotFound()


def accept_referral(*, actor, referral: Referral, note: str = "") -> Referral:
    """The receiving agency accepts. If consent still covers it, it gains access to exactly this case."""
    _require_care(actor)
    _receiver(actor, referral)
    if referral.status != ReferralStatus.SENT:
        raise GugusError(_("Only a referral awaiting an answer can be accepted."))
    today = timezone.localdate()
    with transaction.atomic():
        # Consent is checked again: it may have been withdrawn (or the victim found to be a child) since.
        shares = referral.shares_identity and not identity_blockers(referral.case, referral.to_agency)
        referral.status, referral.answered_on, referral.answered_by = ReferralStatus.ACCEPTED, today, actor
        referral.shares_identity = shares
        referral.end_note = note.strip()
        if shares:
            referral.grant = grant_access(actor=actor, object_type=Case.OBJECT_TYPE, object_id=referral.case_id,
                                          agency=referral.to_agency, kind=AccessGrant.Kind.REFERRAL,
                                          reason=f"referral {referral.pk}")
        referral.save(update_fields=["status", "answered_on", "answered_by", "shares_identity", "grant",
                                     "end_note"])
        for service in referral.services.filter(status="requested"):
            service.save(update_fields=[*_set_status(service, "accepted", today), "updated_at"])
        _audit(actor, "referral.accept", referral.case, referral=referral.pk, access=shares)
        _notify([referral.sent_by], "referral_accepted", case=referral.case, referral=referral,
                agency=str(referral.to_agency))
    return referral


def decline_referral(*, actor, referral: Referral, reason: str) -> Referral:
    _require_care(actor)
    _receiver(actor, referral)
    if referral.status != ReferralStatus.SENT:
        raise GugusError(_("Only a referral awaiting an answer can be declined."))
    if len((reason or "").strip()) < 5:
        raise GugusError(_("Say why the referral is declined."), field="reason")
    today = timezone.localdate()
    with transaction.atomic():
        referral.status, referral.answered_on, referral.answered_by = ReferralStatus.DECLINED, today, actor
        referral.decline_reason = reason.strip()
        referral.save(update_fields=["status", "answered_on", "answered_by", "decline_reason"])
        # The services stay on the victim's plan as declined, to be given to another provider with the same
        # deadline (the victim's right runs from the request, not from the provider's answer).
        for service in referral.services.filter(status__in=["requested", "accepted"]):
            service.save(update_fields=[*_set_status(service, "declined", today), "updated_at"])
        _end_grant(actor, referral, "declined")
        _audit(actor, "referral.decline", referral.case, referral=referral.pk)
        _notify([referral.sent_by], "referral_declined", case=referral.case, referral=referral,
                agency=str(referral.to_agency))
    return referral


def revoke_referral(*, actor, referral: Referral, reason: str) -> Referral:
    """The sender takes the referral back; the receiver loses access at once."""
    _require_care(actor)
    _sender(actor, referral)
    if referral.status not in (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.RECORDED):
        raise GugusError(_("This referral has already ended."))
    if len((reason or "").strip()) < 5:
        raise GugusError(_("Say why the referral is revoked."), field="reason")
    today = timezone.localdate()
    with transaction.atomic():
        referral.status, referral.ended_on, referral.ended_by = ReferralStatus.REVOKED, today, actor
        referral.end_note = reason.strip()
        referral.save(update_fields=["status", "ended_on", "ended_by", "end_note"])
        # Services not yet given go back to "requested" without a provider: the need and its deadline remain.
        for service in referral.services.filter(status__in=["requested", "accepted"]):
            changed = _set_status(service, "requested", today)
            service.provider_agency, service.provider_name, service.referral = None, "", None
            service.save(update_fields=[*changed, "provider_agency", "provider_name", "referral", "updated_at"])
        _end_grant(actor, referral, "revoked")
        _audit(actor, "referral.revoke", referral.case, referral=referral.pk)
        if referral.to_agency_id:
            _notify(_care_users(referral.to_agency), "referral_revoked", case=referral.case, referral=referral,
                    agency=str(referral.from_agency))
    return referral


def complete_referral(*, actor, referral: Referral, note: str = "") -> Referral:
    """The referred services are done. Access ends too: what the receiver did stays on the case."""
    _require_care(actor)
    if actor.agency_id not in (referral.from_agency_id, referral.to_agency_id) or not actor.agency_id:
        raise NotFound()
    if referral.status not in (ReferralStatus.ACCEPTED, ReferralStatus.RECORDED):
        raise GugusError(_("Only an accepted referral can be completed."))
    today = timezone.localdate()
    with transaction.atomic():
        referral.status, referral.ended_on, referral.ended_by = ReferralStatus.COMPLETED, today, actor
        referral.end_note = note.strip()
        referral.save(update_fields=["status", "ended_on", "ended_by", "end_note"])
        _end_grant(actor, referral, "completed")
        _audit(actor, "referral.complete", referral.case, referral=referral.pk)
        other = referral.sent_by if actor.agency_id == referral.to_agency_id else None
        users = [other] if other else _care_users(referral.to_agency)
        _notify(users, "referral_completed", case=referral.case, referral=referral)
    return referral


def _end_grant(actor, referral: Referral, why: str) -> None:
    if referral.grant_id and referral.grant.revoked_at is None:
        revoke_access(actor=actor, grant=referral.grant, reason=f"referral {referral.pk}: {why}")


# --- deadlines and reminders ----------------------------------------------------------------------------------

def deadline_state(service: Service, today: dt.date) -> str | None:
    """"overdue", "due_soon" (0..due_soon_days days left), or None. Only services not yet given count."""
    if service.deadline is None or service.status not in OPEN_STATUSES or service.started_on is not None:
        return None
    left = (service.deadline - today).days
    if left < 0:
        return "overdue"
    if left <= rules().due_soon_days:
        return "due_soon"
    return None


def send_reminders(*, today: dt.date | None = None) -> int:
    """Reminds the provider and the requesting agency of services due soon or overdue. At most one reminder
    per service per day, however often it runs (the Reminder row's unique key decides)."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=rules().due_soon_days)
    candidates = (Service.objects.filter(status__in=OPEN_STATUSES, started_on__isnull=True, deadline__isnull=False,
                                         deadline__lte=horizon)
                  .exclude(reminders__day=today)
                  .select_related("case", "provider_agency", "requesting_agency", "requested_by"))
    sent = 0
    for service in candidates:
        state = deadline_state(service, today)
        if state is None:
            continue
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(service=service, day=today, kind=state)
                users = _care_users(service.provider_agency) + _care_users(service.requesting_agency)
                reminder.recipients = _notify(users, f"service_{state}", case=service.case, service_row=service,
                                              service=service.kind, deadline=service.deadline.isoformat())
                reminder.save(update_fields=["recipients"])
                record_event(actor=None, action="care.reminder", object_type="care.service", object_id=service.pk,
                             data={"kind": state, "day": today, "recipients": reminder.recipients})
        except IntegrityError:  # another run reminded this service today
            continue
        sent += 1
    return sent


# --- repatriation ---------------------------------------------------------------------------------------------

def start_repatriation(*, actor, victim: Participant, country: str, arrival_point: str,
                       mission: Agency | None = None, arrival_region: str | None = None,
                       home_region: str | None = None, requested_on=None) -> Repatriation:
    """Plans the way home; the victim's repatriation service (7 days, Pasal 52) is requested if not yet."""
    _require_care(actor)
    _victim(victim)
    _require_case(actor, victim.case)
    country_row = Country.objects.filter(code=(country or "").strip().upper()).first()
    if country_row is None or country_row.code == "ID":
        raise GugusError(_("Choose the country the victim returns from."), field="country")
    if not (arrival_point or "").strip():
        raise GugusError(_("Name the arrival point (port or airport)."), field="arrival_point")
    regions = {field: region_or_error(code, field=field)
               for field, code in (("arrival_region", arrival_region), ("home_region", home_region))}
    with transaction.atomic():
        service = (Service.objects.filter(plan__victim=victim, kind="Repatriation", status__in=OPEN_STATUSES)
                   .exclude(repatriation__isnull=False).first())
        if service is None:
            service = _new_service(actor, victim, "Repatriation",
                                   _day(requested_on, "requested_on", default_today=True), mission, "")
        repatriation = Repatriation.objects.create(
            case=victim.case, victim=victim, service=service, country=country_row, mission=mission,
            arrival_point=arrival_point.strip(), created_by=actor, **regions)
        _audit(actor, "repatriation.start", victim.case, repatriation=repatriation.pk, victim=victim.pk,
               country=country_row.code, service=service.pk)
    return repatriation


def add_repatriation_leg(*, actor, repatriation: Repatriation, stage: str, from_place: str, to_place: str,
                         escort_agency: Agency | None = None, departed_on=None, arrived_on=None,
                         handed_to_agency: Agency | None = None, handed_to_name: str = "", handed_over_on=None,
                         note: str = "") -> RepatriationLeg:
    """A leg of the journey with its handover. Departure starts the repatriation service; the handover at the
    end of the leg into the home region delivers it."""
    _require_care(actor)
    _require_case(actor, repatriation.case)
    if stage not in LegStage.values:
        raise GugusError(_("Choose the leg."), field="stage")
    if not (from_place or "").strip() or not (to_place or "").strip():
        raise GugusError(_("Name where the leg starts and ends."), field="from_place")
    departed, arrived = _day(departed_on, "departed_on"), _day(arrived_on, "arrived_on")
    handed = _day(handed_over_on, "handed_over_on")
    if departed and arrived and arrived < departed:
        raise GugusError(_("Arrival cannot come before departure."), field="arrived_on")
    if handed and (arrived or departed) and handed < (arrived or departed):
        raise GugusError(_("The handover cannot come before the arrival."), field="handed_over_on")
    if handed and handed_to_agency is None and not handed_to_name.strip():
        raise GugusError(_("Say to whom the victim was handed over."), field="handed_to_agency")
    with transaction.atomic():
        leg = RepatriationLeg.objects.create(
            repatriation=repatriation, stage=stage, from_place=from_place.strip(), to_place=to_place.strip(),
            escort_agency=escort_agency, departed_on=departed, arrived_on=arrived, handed_to_agency=handed_to_agency,
            handed_to_name=handed_to_name.strip(), handed_over_on=handed, note=note.strip(), recorded_by=actor)
        service = repatriation.service
        if service is not None:
            start = departed or arrived or handed
            if start and service.status in ("requested", "accepted"):
                service.save(update_fields=[*_set_status(service, "in_progress", max(start, service.requested_on)),
                                            "updated_at"])
            if stage in (LegStage.ARRIVAL, LegStage.HOME) and handed and service.status == "in_progress":
                service.save(update_fields=[*_set_status(service, "delivered", handed), "updated_at"])
        _audit(actor, "repatriation.leg", repatriation.case, repatriation=repatriation.pk, leg=leg.pk, stage=stage,
               handed_to=handed_to_agency.pk if handed_to_agency else None)
    return leg


# --- case conferences and closure -----------------------------------------------------------------------------

def record_conference(*, actor, case: Case, held_on, agencies: Iterable[Agency] = (), others_present: str = "",
                      notes: str = "", decisions: str = "") -> CaseConference:
    _require_care(actor)
    _require_case(actor, case)
    day = _day(held_on, "held_on")
    if day is None:
        raise GugusError(_("When was the conference held?"), field="held_on")
    if not notes.strip() and not decisions.strip():
        raise GugusError(_("Write the notes or the decisions."), field="notes")
    agencies = list(agencies or [])
    with transaction.atomic():
        conference = CaseConference.objects.create(case=case, held_on=day, others_present=others_present.strip(),
                                                   notes=notes.strip(), decisions=decisions.strip(),
                                                   recorded_by=actor)
        conference.agencies.set(agencies)
        _audit(actor, "conference", case, conference=conference.pk, agencies=[a.pk for a in agencies])
    return conference


def open_services(case: Case):
    return Service.objects.filter(case=case, status__in=OPEN_STATUSES)


def request_closure(*, actor, case: Case, action: str, reason: str, target_status: str = "") -> ClosureRequest:
    """A case manager asks to close or reopen; nothing changes until someone with "approve" agrees."""
    if not (actor.can("service.manage") or actor.can("approve")):
        raise PermissionDenied()
    _require_case(actor, case)
    if action not in ClosureRequest.Action.values:
        raise GugusError(_("Close or reopen?"), field="action")
    if len((reason or "").strip()) < 10:
        raise GugusError(_("Write the reason (at least 10 characters)."), field="reason")
    if action == ClosureRequest.Action.CLOSE:
        if case.status in CLOSED_STATUSES:
            raise GugusError(_("The case is already closed."), field="action")
        target_status = target_status or "Closed"
        if target_status not in CLOSED_STATUSES:
            raise GugusError(_("Choose how the case is closed."), field="target_status")
        pending = open_services(case).count()
        if pending:
            raise GugusError(_("%(n)d service(s) are still open: record them as delivered, declined or not "
                               "needed first.") % {"n": pending}, field="reason")
    else:
        if case.status not in CLOSED_STATUSES:
            raise GugusError(_("The case is not closed."), field="action")
        target_status = "Active"
    with transaction.atomic():
        try:
            with transaction.atomic():
                request = ClosureRequest.objects.create(case=case, action=action, target_status=target_status,
                                                        reason=reason.strip(), requested_by=actor)
        except IntegrityError:
            raise GugusError(_("A request for this case already awaits approval."), field="action") from None
        _audit(actor, "closure.request", case, request=request.pk, action=action, target=target_status)
        approvers = [u for u in User.objects.filter(agency_id=case.owner_agency_id, is_active=True,
                                                    is_service=False) if u.can("approve") and u.pk != actor.pk]
        _notify(approvers, "closure_requested", case=case, action=action)
    return request


def decide_closure(*, actor, request: ClosureRequest, approve: bool, note: str = "") -> ClosureRequest:
    """Approval (by another user with "approve") changes the case status through the case registry."""
    from gugus.cases.actions import update_case

    if not actor.can("approve"):
        raise PermissionDenied()
    _require_case(actor, request.case)
    if request.state != ClosureRequest.State.PENDING:
        raise GugusError(_("This request was already decided."))
    if request.requested_by_id == actor.pk:
        raise GugusError(_("Someone other than the requester must approve."), field="approve")
    if not approve and not note.strip():
        raise GugusError(_("Say why the request is rejected."), field="note")
    with transaction.atomic():
        request.state = ClosureRequest.State.APPROVED if approve else ClosureRequest.State.REJECTED
        request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note.strip()
        request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        if approve:
            if request.action == ClosureRequest.Action.CLOSE and open_services(request.case).exists():
                raise GugusError(_("Services were opened since the request: it cannot be approved now."))
            case = Case.objects.get(pk=request.case_id)
            update_case(actor=actor, case=case, expected_version=case.version, status=request.target_status,
                        closure_approved=True)
        _audit(actor, "closure.decide", request.case, request=request.pk, approved=approve)
        _notify([request.requested_by], "closure_decided", case=request.case, state=request.state)
    return request
