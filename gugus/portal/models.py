"""Reports from the public, their attachments, job-offer checks, and the information pages.

A report is routed to one task force; ``scope_code`` (that task force's region, "" for the national one)
and ``owner_agency`` (its secretariat) decide which staff see it, through ``accounts.scope.scoped``.
Everything a reporter writes about people is encrypted at rest; the status secret is stored only as a
keyed hash.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gugus.core.fields import EncryptedTextField


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    REVIEWED = "reviewed", _("Reviewed")
    CLOSED = "closed", _("Closed")
    CASE = "case", _("Followed up")  # "ditindaklanjuti": a case was opened


class ContactWay(models.TextChoices):
    NONE = "none", _("Do not contact me")
    PHONE = "phone", _("Phone call")
    WHATSAPP = "whatsapp", _("WhatsApp / text message")
    EMAIL = "email", _("Email")


class Report(models.Model):
    OBJECT_TYPE = "portal.report"

    tracking_code = models.CharField(max_length=16, unique=True, editable=False)
    # Keyed hashes only: the secret is shown once to the reporter; the form token guards double submits.
    secret_hash = models.CharField(max_length=64, editable=False)
    form_token_hash = models.CharField(max_length=64, unique=True, editable=False)

    anonymous = models.BooleanField(default=True)
    reporter_name = EncryptedTextField(blank=True)
    contact_way = models.CharField(max_length=16, choices=ContactWay.choices, default=ContactWay.NONE)
    contact = EncryptedTextField(blank=True)
    what = EncryptedTextField()
    who = EncryptedTextField(blank=True)
    place = EncryptedTextField(blank=True)
    when = models.CharField(max_length=100, blank=True)
    happened_on = models.DateField(null=True, blank=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    # Set when the report came from the job-offer check ("report this offer"); a link is never fetched.
    offer_link = models.CharField(max_length=500, blank=True)
    from_offer_check = models.BooleanField(default=False)

    task_force = models.ForeignKey("accounts.TaskForce", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    scope_code = models.CharField(max_length=13, blank=True, db_index=True, editable=False)
    owner_agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    status = models.CharField(max_length=16, choices=ReportStatus.choices, default=ReportStatus.RECEIVED,
                              db_index=True)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    handled_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["scope_code", "status", "created_at"])]

    def __str__(self) -> str:
        return self.tracking_code


def attachment_path(instance, filename: str) -> str:
    """A random name under MEDIA_ROOT/portal/ (the reporter's file name is kept encrypted, not on disk).
    MEDIA_ROOT has no URL: only the scoped staff view serves these files."""
    ext = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}.get(instance.content_type, "bin")
    return f"portal/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    OBJECT_TYPE = "portal.attachment"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.report_id}/{self.pk}"


class OfferCheck(models.Model):
    """A job offer someone checked. Offers are public texts; a link is recorded, never fetched.
    No address or other trace of who checked is kept."""

    text = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    risk = models.FloatField()
    level = models.CharField(max_length=8)
    reason_codes = models.JSONField(default=list)
    rules_version = models.CharField(max_length=40, blank=True)
    model_version = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.level} {self.created_at:%Y-%m-%d}"


class InfoPage(models.Model):
    """Public information the secretariat edits: what TPPO is, victims' rights, hotlines, where to verify."""

    OBJECT_TYPE = "portal.infopage"

    slug = models.SlugField(unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    title_id = models.CharField(_("title (Indonesian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_id = models.TextField(_("text (Indonesian)"), help_text=_("Plain text; a blank line starts a new paragraph."))
    body_en = models.TextField(_("text (English)"), help_text=_("Plain text; a blank line starts a new paragraph."))
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.slug

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_id

    def paragraphs(self, lang: str) -> list[str]:
        body = self.body_en if lang == "en" else self.body_id
        return [p.strip() for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]
