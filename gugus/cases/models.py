"""The registry of persons (victims, witnesses, perpetrators) and, later, their cases."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gugus.core.fields import EncryptedTextField


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    UNKNOWN = "U", _("Unknown")


class Person(models.Model):
    """One agency's record of a person. Identifiers are encrypted; ``*_index`` columns allow exact lookup.

    ``scope_code`` is the region whose task force holds the record (by default the recording agency's
    region); together with ``owner_agency`` and access grants it decides who may see it.
    """

    OBJECT_TYPE = "cases.person"

    full_name = models.CharField(_("full name"), max_length=200)
    name_normalised = models.CharField(max_length=200, db_index=True, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    nationality = models.ForeignKey("regions.Country", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("nationality"))
    origin_region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("region of origin"))
    nik = EncryptedTextField(_("NIK"), blank=True, default="")
    nik_index = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)

    scope_code = models.CharField(max_length=13, db_index=True, editable=False)
    owner_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: an update names the version it read; a stale version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk}"
