"""Task forces, member agencies, users, API tokens and access grants."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gugus.accounts.roles import Role, capabilities_of


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Province")
    REGENCY = "regency", _("Regency/City")
    ABROAD = "abroad", _("Mission abroad")


class AgencyKind(models.TextChoices):
    POLICE = "police", _("Police (Polri)")
    PROSECUTOR = "prosecutor", _("Prosecutor (Kejaksaan)")
    PPA = "ppa", _("Women & child protection (KemenPPPA / UPTD PPA)")
    SOCIAL = "social", _("Social affairs (Kemensos / Dinas Sosial)")
    MANPOWER = "manpower", _("Manpower (Kemnaker / Disnaker)")
    MIGRANT_WORKER = "migrant_worker", _("Migrant-worker protection (BP2MI / KP2MI)")
    IMMIGRATION = "immigration", _("Immigration (Imigrasi)")
    FOREIGN_AFFAIRS = "foreign_affairs", _("Foreign affairs (Kemlu) and missions abroad")
    HEALTH = "health", _("Health (Kemenkes / hospitals)")
    WITNESS_PROTECTION = "witness_protection", _("Witness & victim protection (LPSK)")
    FINANCIAL_INTELLIGENCE = "financial_intelligence", _("Financial intelligence (PPATK)")
    COMMUNICATIONS = "communications", _("Communications (Komdigi)")
    NGO = "ngo", _("NGO / international organisation")
    SECRETARIAT = "secretariat", _("Task-force secretariat")
    OTHER = "other", _("Other")


class Agency(models.Model):
    """A member agency's office. Its level and region define the subtree of records it serves."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=AgencyKind.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                               verbose_name=_("region"))
    country = models.ForeignKey("regions.Country", null=True, blank=True, on_delete=models.PROTECT,
                                verbose_name=_("country (missions abroad)"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="offices")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["name"], name="agency_unique_name"),
            models.CheckConstraint(
                name="agency_region_matches_level",
                condition=(Q(level="national", region__isnull=True) | Q(level="abroad", region__isnull=True)
                           | Q(level__in=["province", "regency"], region__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def jurisdiction(self) -> str | None:
        """The region subtree this agency serves: "" for all Indonesia, a code, or None (own records only).

        Missions abroad serve people, not a region of Indonesia: they see what they record or are sent.
        """
        if self.level == Level.NATIONAL:
            return ""
        if self.level == Level.ABROAD:
            return None
        return self.region_id


class TaskForce(models.Model):
    """A Gugus Tugas PP TPPO at national, province or kab/kota level (Perpres 69/2008, 22/2021, 49/2023)."""

    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    region = models.OneToOneField("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                                  verbose_name=_("region"))
    decree = models.CharField(_("founding decree"), max_length=200, blank=True)
    secretariat = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="secretariat_of", verbose_name=_("secretariat"))
    members = models.ManyToManyField(Agency, blank=True, related_name="task_forces", verbose_name=_("members"))

    class Meta:
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["level"], condition=Q(level="national"), name="one_national_task_force"),
        ]

    def __str__(self) -> str:
        return self.name


class SubTaskForce(models.Model):
    class Kind(models.TextChoices):
        PREVENTION = "prevention", _("Prevention and child participation")
        HEALTH = "health", _("Health rehabilitation")
        SOCIAL = "social", _("Social rehabilitation, repatriation and reintegration")
        LAW = "law", _("Legal norms development and law enforcement")
        COORDINATION = "coordination", _("Coordination and cooperation")

    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="sub_task_forces")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    lead = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("lead agency"))
    members = models.ManyToManyField(Agency, blank=True, related_name="sub_task_forces")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task_force", "kind"], name="one_sub_task_force_per_kind")]

    def __str__(self) -> str:
        return f"{self.task_force} — {self.get_kind_display()}"


class User(AbstractUser):
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="users",
                               verbose_name=_("agency"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.OPERATOR)
    must_change_password = models.BooleanField(default=False)
    # Only honoured while GUGUS_DEMO is on, and every page then says so.
    demo_otp_exempt = models.BooleanField(default=False)
    # The account behind an API token: no password, no interactive login.
    is_service = models.BooleanField(default=False)

    class Meta:
        ordering = ["username"]

    @property
    def capabilities(self) -> frozenset[str]:
        if self.is_superuser:
            return capabilities_of(Role.ADMINISTRATOR)
        return capabilities_of(self.role)

    def can(self, capability: str) -> bool:
        return self.is_active and capability in self.capabilities

    @property
    def jurisdiction(self) -> str | None:
        if self.is_superuser and self.agency_id is None:
            return ""
        return self.agency.jurisdiction if self.agency_id else None


class AccessGrant(models.Model):
    """Access to one record outside the holder's region: a referral, a shared case, or break-the-glass."""

    class Kind(models.TextChoices):
        REFERRAL = "referral", _("Referral")
        SHARED = "shared", _("Shared case")
        BREAK_GLASS = "break_glass", _("Emergency access (break the glass)")

    object_type = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    grantee_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    grantee_user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    granted_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                name="grant_has_one_grantee",
                condition=Q(grantee_agency__isnull=False, grantee_user__isnull=True)
                | Q(grantee_agency__isnull=True, grantee_user__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}:{self.object_id}"


class ApiToken(models.Model):
    """A system integration's token. It acts as a service account of one agency, with that agency's scope."""

    name = models.CharField(_("name"), max_length=100)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="api_tokens")
    service_user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="api_token")
    prefix = models.CharField(max_length=8)
    # SHA-256 of the token: the token itself is shown once and never stored.
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
