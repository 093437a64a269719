"""Job posts kept by the product: what was seen, its score, its review, takedown requests and alerts.

Posts are public content and are not scoped by region: every role with ``watch.view`` sees them. What is
scoped is the link from a post's phone or bank account to a *case*: see ``selectors.case_matches``.
Contacts are stored encrypted with the same keyed blind index as ``cases.PersonIdentifier``, so a post's
number and a recruiter's number meet in one indexed lookup, never in a plaintext join.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gugus.core.fields import EncryptedTextField


class ReviewStatus(models.TextChoices):
    NEW = "new", _("Not reviewed")
    CONFIRMED = "confirmed", _("Confirmed: deceptive recruitment")
    DISMISSED = "dismissed", _("Dismissed")


class Level(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class JobPost(models.Model):
    """One post as seen by a monitoring source. ``content_hash`` (URL, author and text) makes ingest
    idempotent: the same post seen again only moves ``seen_at``."""

    OBJECT_TYPE = "watch.jobpost"

    source = models.CharField(_("source"), max_length=80)
    platform = models.CharField(_("platform"), max_length=40, blank=True)
    external_id = models.CharField(_("ID at the source"), max_length=200, blank=True)
    url = models.CharField(_("link"), max_length=1000, blank=True)
    author = models.CharField(_("author or account"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    posted_at = models.DateTimeField(_("posted"), null=True, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"))
    seen_at = models.DateTimeField(_("last seen"))
    times_seen = models.PositiveIntegerField(default=1)
    content_hash = models.CharField(max_length=64, unique=True, editable=False)

    # The latest score (gugus.watch.screening), stamped with the versions that produced it.
    risk = models.FloatField(_("risk"))
    level = models.CharField(_("level"), max_length=8, choices=Level.choices, db_index=True)
    reasons = models.JSONField(default=list)  # [{"code", "text": {"id", "en"}, "weight"}]
    entities = models.JSONField(default=dict)
    rules_version = models.CharField(max_length=40)
    model_version = models.CharField(max_length=60)
    scored_at = models.DateTimeField()

    # Reposts: every post of a group carries the content hash of the group's first post.
    group_key = models.CharField(max_length=64, db_index=True, editable=False)
    # The MinHash sketch (128 x uint32) of the offer text, to find reposts across ingest runs and
    # re-appearances of removed posts; ``exact_key`` finds exact repeats without the sketch.
    sketch = models.BinaryField(null=True, editable=False)
    exact_key = models.BigIntegerField(null=True, editable=False)

    status = models.CharField(_("review"), max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.NEW,
                              db_index=True)
    review_reason = models.TextField(_("reason"), blank=True)
    reviewed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-risk", "-id"]
        indexes = [models.Index(fields=["status", "level", "risk"], name="watch_post_queue")]

    def __str__(self) -> str:
        return f"post #{self.pk}"

    @property
    def is_group_root(self) -> bool:
        return self.group_key == self.content_hash


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    BANK_ACCOUNT = "bank_account", _("Bank account")


class PostContact(models.Model):
    """A phone number or bank account in a post: encrypted, with the blind index used by PersonIdentifier."""

    post = models.ForeignKey(JobPost, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=16, choices=ContactKind.choices)
    index = models.CharField(max_length=64, db_index=True, editable=False)
    value = EncryptedTextField(_("value"))
    bank = models.CharField(_("bank"), max_length=20, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "kind", "index"], name="watch_contact_once_per_post")]

    def __str__(self) -> str:
        return f"{self.kind} of post #{self.post_id}"


class TakedownStatus(models.TextChoices):
    DRAFT = "draft", _("Letter prepared")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    REMOVED = "removed", _("Removed")
    REJECTED = "rejected", _("Rejected")


class TakedownRequest(models.Model):
    """A request to the communications ministry (Komdigi) or a platform to take a confirmed post down."""

    OBJECT_TYPE = "watch.takedown"

    post = models.ForeignKey(JobPost, on_delete=models.PROTECT, related_name="takedowns")
    number = models.CharField(_("letter number"), max_length=60, unique=True, editable=False)
    recipient = models.CharField(_("recipient"), max_length=40)  # a key of data/takedown.toml [recipients]
    status = models.CharField(_("status"), max_length=16, choices=TakedownStatus.choices,
                              default=TakedownStatus.DRAFT, db_index=True)
    letter_date = models.DateField(_("letter date"))
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    rejected_on = models.DateField(_("rejected on"), null=True, blank=True)
    recipient_reference = models.CharField(_("recipient's reference"), max_length=120, blank=True)
    note = models.TextField(_("note"), blank=True)
    agency = models.ForeignKey("accounts.Agency", null=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.number


class AlertKind(models.TextChoices):
    TEXT = "text", _("Same text as a removed post")
    PHONE = "phone", _("Phone number of a removed post")
    BANK_ACCOUNT = "bank_account", _("Bank account of a removed post")


class Alert(models.Model):
    """A newly ingested post brings back a removed post's text or contact."""

    post = models.ForeignKey(JobPost, on_delete=models.CASCADE, related_name="alerts")
    takedown = models.ForeignKey(TakedownRequest, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=16, choices=AlertKind.choices)
    similarity = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["post", "takedown", "kind"], name="watch_alert_once")]

    def __str__(self) -> str:
        return f"alert {self.kind} on post #{self.post_id}"
