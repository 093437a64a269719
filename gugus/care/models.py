"""Integrated victim services (Permen PPPA 8/2021): service plans, consent, referrals between agencies,
deadlines and reminders, repatriation, case conferences and closure.

Every row hangs off a case, so who may see it follows the case's scope (``cases_visible_to``); referrals
are also visible to their sending and receiving agencies, which may not see the case itself.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gugus.cases.fields import CodeListField


class ServicePlan(models.Model):
    """One victim's needs assessment; the services requested for the victim hang off it."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="service_plans")
    victim = models.OneToOneField("cases.Participant", on_delete=models.CASCADE, related_name="service_plan")
    needs = CodeListField(_("needs"))  # service kinds (data/services.toml)
    urgent = models.BooleanField(_("urgent trauma or illness (first aid, Pasal 53)"), default=False)
    assessment = models.TextField(_("needs assessment"), blank=True)
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"plan of participant {self.victim_id}"


class Service(models.Model):
    """One request for a service for a victim, with its provider, status and legal deadline."""

    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="services")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="services")
    kind = models.CharField(_("service"), max_length=40)
    provider_agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="services_provided", verbose_name=_("provider agency"))
    provider_name = models.CharField(_("provider outside Gugus"), max_length=200, blank=True)
    requesting_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey("care.Referral", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="services")
    status = models.CharField(_("status"), max_length=16, default="requested", db_index=True)
    requested_on = models.DateField(_("requested on"))
    # requested_on + the kind's calendar days, computed once and stored with the rule version used.
    deadline = models.DateField(_("deadline"), null=True, blank=True, db_index=True)
    rules_version = models.CharField(max_length=10, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    # The day the service was first given (in progress or delivered): what Pasal 52 measures.
    started_on = models.DateField(_("started on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    closed_on = models.DateField(_("declined / not needed on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    requested_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["requested_on", "id"]
        indexes = [models.Index(fields=["status", "deadline"])]
        constraints = [
            models.CheckConstraint(
                name="service_one_provider_at_most",
                condition=Q(provider_agency__isnull=True) | Q(provider_name=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for participant of case {self.case_id}"

    @property
    def provider_label(self) -> str:
        return str(self.provider_agency) if self.provider_agency_id else self.provider_name


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Written (signed)")
    VERBAL = "verbal", _("Verbal, witnessed")
    THUMBPRINT = "thumbprint", _("Thumbprint")


class ConsentGiver(models.TextChoices):
    VICTIM = "victim", _("The victim")
    GUARDIAN = "guardian", _("A parent or guardian")


class Consent(models.Model):
    """A victim's informed consent to sharing: what, with whom, when and how, by whom; until withdrawn."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="consents")
    victim = models.ForeignKey("cases.Participant", on_delete=models.CASCADE, related_name="consents")
    share_identity = models.BooleanField(_("identity (name, identifiers, contact)"), default=False)
    share_case_details = models.BooleanField(_("case details (events, process)"), default=False)
    share_health = models.BooleanField(_("health information"), default=False)
    any_receiver = models.BooleanField(_("any agency receiving a referral in Gugus"), default=False)
    agencies = models.ManyToManyField("accounts.Agency", blank=True, related_name="+",
                                      verbose_name=_("named agencies"))
    given_on = models.DateField(_("given on"))
    method = models.CharField(_("how given"), max_length=16, choices=ConsentMethod.choices)
    given_by = models.CharField(_("given by"), max_length=16, choices=ConsentGiver.choices)
    guardian_name = models.CharField(_("guardian's name"), max_length=200, blank=True)
    guardian_relationship = models.CharField(_("guardian's relationship to the victim"), max_length=100,
                                             blank=True)
    child_assent = models.BooleanField(_("the child was heard and agrees"), default=False)
    guidance = CodeListField(_("points explained"))  # vocabulary consent_guidance
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_note = models.TextField(_("withdrawal note"), blank=True)

    class Meta:
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"consent of participant {self.victim_id}"


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent, awaiting answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked by the sender")
    COMPLETED = "completed", _("Completed")
    RECORDED = "recorded", _("Recorded (agency outside Gugus)")


class Referral(models.Model):
    """A rujukan from one agency to another, for one victim of a case.

    ``shares_identity`` is decided when it is sent (valid consent covering the receiver) and checked again on
    acceptance; only then does the receiver get an access grant to the case. Otherwise the receiver sees the
    non-identifying ``summary`` stored here, and nothing else.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    victim = models.ForeignKey("cases.Participant", on_delete=models.CASCADE, related_name="referrals")
    from_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="referrals_sent")
    to_agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="referrals_received", verbose_name=_("receiving agency"))
    to_external = models.CharField(_("agency outside Gugus"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=40)  # vocabulary referral_reasons
    service_kinds = CodeListField(_("services requested"))
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ReferralStatus.choices,
                              default=ReferralStatus.SENT, db_index=True)
    shares_identity = models.BooleanField(default=False)
    consent = models.ForeignKey(Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    summary = models.JSONField(default=dict)
    grant = models.ForeignKey("accounts.AccessGrant", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    sent_on = models.DateField()
    sent_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    answered_on = models.DateField(null=True, blank=True)
    answered_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    ended_on = models.DateField(null=True, blank=True)
    ended_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    end_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="referral_has_one_receiver",
                condition=(Q(to_agency__isnull=False, to_external="")
                           | (Q(to_agency__isnull=True) & ~Q(to_external=""))),
            ),
        ]

    def __str__(self) -> str:
        return f"referral {self.pk} of case {self.case_id}"

    @property
    def receiver_label(self) -> str:
        return str(self.to_agency) if self.to_agency_id else self.to_external


class Notification(models.Model):
    """An in-app message to one user. The text is rendered in the reader's language from ``kind`` and
    ``params``, and never names a victim: only case references, service kinds and dates."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="care_notifications")
    kind = models.CharField(max_length=32)
    params = models.JSONField(default=dict)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} to user {self.user_id}"


class Reminder(models.Model):
    """One reminder per service per day: the unique constraint makes ``gugus send-reminders`` idempotent."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField()
    kind = models.CharField(max_length=16)  # due_soon | overdue
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "day"], name="one_reminder_per_service_day")]

    def __str__(self) -> str:
        return f"{self.kind} reminder of service {self.service_id} on {self.day}"


class Repatriation(models.Model):
    """Pemulangan from abroad (UU 21/2007 Pasal 54): mission abroad → arrival point → home region."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="repatriations")
    victim = models.ForeignKey("cases.Participant", on_delete=models.CASCADE, related_name="repatriations")
    service = models.OneToOneField(Service, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="repatriation")
    country = models.ForeignKey("regions.Country", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("country"))
    mission = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("mission abroad"))
    arrival_point = models.CharField(_("arrival point (port or airport)"), max_length=200)
    arrival_region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name=_("region of the arrival point"))
    home_region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("home region"))
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"repatriation {self.pk} from {self.country_id}"


class LegStage(models.TextChoices):
    ABROAD = "abroad", _("Mission abroad → arrival point")
    ARRIVAL = "arrival", _("Arrival point → home region")
    HOME = "home", _("Handover in the home region")


class RepatriationLeg(models.Model):
    """One leg of the journey: who escorted, when it left and arrived, and to whom the victim was handed."""

    repatriation = models.ForeignKey(Repatriation, on_delete=models.CASCADE, related_name="legs")
    stage = models.CharField(_("leg"), max_length=16, choices=LegStage.choices)
    from_place = models.CharField(_("from"), max_length=200)
    to_place = models.CharField(_("to"), max_length=200)
    escort_agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("escorting agency"))
    departed_on = models.DateField(_("departed on"), null=True, blank=True)
    arrived_on = models.DateField(_("arrived on"), null=True, blank=True)
    handed_to_agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", verbose_name=_("handed over to (agency in Gugus)"))
    handed_to_name = models.CharField(_("handed over to (other)"), max_length=200, blank=True)
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["departed_on", "id"]

    def __str__(self) -> str:
        return f"{self.stage}: {self.from_place} → {self.to_place}"


class CaseConference(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="conferences")
    held_on = models.DateField(_("held on"))
    agencies = models.ManyToManyField("accounts.Agency", blank=True, related_name="+",
                                      verbose_name=_("agencies present"))
    others_present = models.CharField(_("others present"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"conference {self.held_on} of case {self.case_id}"


class ClosureRequest(models.Model):
    """A case manager asks to close (or reopen) a case; a user with "approve" decides."""

    class Action(models.TextChoices):
        CLOSE = "close", _("Close the case")
        REOPEN = "reopen", _("Reopen the case")

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="closure_requests")
    action = models.CharField(max_length=8, choices=Action.choices)
    target_status = models.CharField(max_length=32)  # vocabulary case_status
    reason = models.TextField(_("reason"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(state="pending"),
                                    name="one_pending_closure_request_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.action} case {self.case_id} ({self.state})"
