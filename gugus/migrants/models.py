"""Migrant workers beside trafficking: departures prevented by immigration, workers in trouble abroad, and
workers who died abroad.

- A :class:`PreventedDeparture` is its own scoped record (``scope_code`` + ``owner_agency``, like a case):
  the traveller is a ``cases.Person``; the recruiter's phone numbers and bank accounts are stored encrypted
  under the registry's blind index, so they meet a perpetrator's ``PersonIdentifier`` and a job post's
  ``PostContact`` in one indexed lookup. It may become a case (``case``), and keeps that link.
- Troubled and deceased workers are ``cases.Case`` rows of kind ``troubled_worker`` / ``deceased_worker``;
  their own details hang off the case one-to-one, so people, events, services (gugus.care), referrals,
  repatriation and the audit trail are the case registry's — nothing is copied.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gugus.cases.fields import CodeListField
from gugus.core.fields import EncryptedTextField


class PreventedDeparture(models.Model):
    """Penundaan keberangkatan: immigration stopped a person leaving at a checkpoint (TPI)."""

    OBJECT_TYPE = "migrants.departure"

    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="prevented_departures",
                               verbose_name=_("traveller"))
    occurred_on = models.DateField(_("date"))
    exit_point = models.CharField(_("checkpoint (TPI)"), max_length=20)  # data/exit_points.toml
    exit_point_other = models.CharField(_("other checkpoint"), max_length=200, blank=True)
    exit_region = models.CharField(_("region of the checkpoint"), max_length=13, blank=True, db_index=True)
    destination = models.ForeignKey("regions.Country", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("destination country"))
    transit = models.CharField(_("transit (if stated)"), max_length=200, blank=True)
    visa_type = models.CharField(_("visa"), max_length=20, blank=True)  # data/visa_types.toml
    stated_job = models.CharField(_("stated job"), max_length=200, blank=True)
    stated_employer = models.CharField(_("stated employer"), max_length=200, blank=True)
    recruiter_name = models.CharField(_("recruiter's name"), max_length=200, blank=True)
    agency_name = models.CharField(_("recruitment agency"), max_length=200, blank=True)
    agency_licence = models.CharField(_("agency's licence (SIP3MI)"), max_length=80, blank=True)
    documents = CodeListField(_("documents held"))  # data/travel_documents.toml
    note = models.TextField(_("note"), blank=True)

    # The screening with the identification engine (gugus.cases.identification), stored with its version.
    answers = models.JSONField(default=dict)
    outcome = models.CharField(_("screening outcome"), max_length=40, blank=True, db_index=True)
    result = models.JSONField(default=dict)
    rules_version = models.CharField(max_length=20, blank=True)
    child_rule = models.CharField(max_length=20, blank=True)
    screened_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    screened_at = models.DateTimeField(null=True, blank=True)

    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="prevented_departures", verbose_name=_("case opened"))

    scope_code = models.CharField(max_length=13, db_index=True, editable=False)
    owner_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["scope_code", "occurred_on"])]

    def __str__(self) -> str:
        return self.reference


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    BANK_ACCOUNT = "bank_account", _("Bank account")


class RecruiterContact(models.Model):
    """A phone number or bank account of whoever arranged the trip: encrypted; ``index`` is the registry's
    keyed blind index (``core.crypto.blind_index``), the same as ``PersonIdentifier`` and ``PostContact``."""

    departure = models.ForeignKey(PreventedDeparture, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=16, choices=ContactKind.choices)
    value = EncryptedTextField(_("value"))
    index = models.CharField(max_length=64, db_index=True, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["departure", "kind", "index"],
                                               name="migrants_contact_once_per_departure")]

    def __str__(self) -> str:
        return f"{self.kind} of departure #{self.departure_id}"


class PlacementRoute(models.TextChoices):
    PROCEDURAL = "procedural", _("Placed through the legal procedure (UU 18/2017)")
    NON_PROCEDURAL = "non_procedural", _("Non-procedural")
    UNKNOWN = "unknown", _("Unknown")


class TroubledWorker(models.Model):
    """Details of a case of kind ``troubled_worker`` (PMI bermasalah). Stays when the case is re-classified."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="troubled_worker")
    worker = models.ForeignKey("cases.Participant", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("worker"))
    country = models.ForeignKey("regions.Country", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("country of work"))
    city = models.CharField(_("city / place"), max_length=120, blank=True)
    mission = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("mission abroad"))
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    job = models.CharField(_("job"), max_length=200, blank=True)
    placement_agency = models.CharField(_("placement agency (P3MI)"), max_length=200, blank=True)
    placement_licence = models.CharField(_("licence (SIP3MI)"), max_length=80, blank=True)
    route = models.CharField(_("placement"), max_length=16, choices=PlacementRoute.choices,
                             default=PlacementRoute.UNKNOWN)
    problem_types = CodeListField(_("problems"))  # data/problem_types.toml
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"troubled worker of case {self.case_id}"


class Remains(models.TextChoices):
    BODY = "body", _("Body repatriated")
    ASHES = "ashes", _("Ashes repatriated")
    BURIED_ABROAD = "buried_abroad", _("Buried abroad")
    UNDECIDED = "undecided", _("Not decided yet")


class DeceasedWorker(models.Model):
    """Details of a case of kind ``deceased_worker``: the death, the documents, who pays and the handover.
    The journey home uses gugus.care's repatriation (legs and handovers) on the same case."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="deceased_worker")
    deceased = models.ForeignKey("cases.Participant", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("the deceased"))
    died_on = models.DateField(_("date of death"), null=True, blank=True)
    country = models.ForeignKey("regions.Country", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("country of death"))
    place_of_death = models.CharField(_("place of death"), max_length=200, blank=True)
    mission = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("mission abroad"))
    cause = models.CharField(_("cause as reported"), max_length=20, blank=True)  # data/death_causes.toml
    cause_detail = models.TextField(_("cause as reported, in words"), blank=True)
    autopsy_requested = models.BooleanField(_("autopsy requested"), default=False)
    second_opinion_requested = models.BooleanField(_("second opinion requested"), default=False)
    documents = CodeListField(_("documents"))  # data/death_documents.toml
    payer = models.CharField(_("who pays"), max_length=24, blank=True)  # data/payers.toml
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    placement_agency = models.CharField(_("placement agency (P3MI)"), max_length=200, blank=True)
    placement_licence = models.CharField(_("licence (SIP3MI)"), max_length=80, blank=True)
    remains = models.CharField(_("remains"), max_length=16, choices=Remains.choices, default=Remains.UNDECIDED)
    family_contact = models.CharField(_("family contact (name, relationship)"), max_length=200, blank=True)
    home_region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("family's region"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"deceased worker of case {self.case_id}"


class RightsClaim(models.Model):
    """A right followed up for a migrant worker or the family: insurance, unpaid wages, compensation."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="rights_claims")
    kind = models.CharField(_("right"), max_length=24)  # data/rights.toml
    claimed_from = models.CharField(_("claimed from"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, default="to_file")  # data/claim_statuses.toml
    amount_claimed_rupiah = models.PositiveBigIntegerField(_("amount claimed (Rp)"), null=True, blank=True)
    amount_paid_rupiah = models.PositiveBigIntegerField(_("amount paid (Rp)"), null=True, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    decided_on = models.DateField(_("paid / decided on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} claim of case {self.case_id}"
