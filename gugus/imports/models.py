"""Spreadsheet imports: the batches an agency uploads, its saved column mappings, and the row ledger that
makes importing the same file twice harmless."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gugus.core.fields import EncryptedTextField


class ImportMapping(models.Model):
    """An agency's saved column mapping (``{target: column header}``), reused for its next files."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    columns = models.JSONField(default=dict)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="import_mapping_name_per_agency")]

    def __str__(self) -> str:
        return self.name


class BatchStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    CHECKED = "checked", _("Checked (dry run)")
    RUNNING = "running", _("Importing (interrupted if this stays)")
    DONE = "done", _("Imported")


class ImportBatch(models.Model):
    """One uploaded file and what became of it. Counts and per-row problems are kept; the rows' contents
    are not (the file itself is kept encrypted in :class:`ImportFile` until it is discarded)."""

    OBJECT_TYPE = "imports.batch"

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    file_name = models.CharField(_("file"), max_length=200)
    file_format = models.CharField(max_length=8)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    headers = models.JSONField(default=list)
    header_line = models.PositiveIntegerField(default=1)
    row_count = models.PositiveIntegerField(default=0)
    mapping = models.JSONField(default=dict)  # {target: column header}
    mapping_name = models.CharField(max_length=100, blank=True)  # the saved mapping it came from, if any
    status = models.CharField(_("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.UPLOADED)
    dry_run = models.BooleanField(default=True)  # whether the last run was a dry run
    # {"rows", "landed", "failed", "skipped", "duplicates", "persons", "cases", "cases_joined"}
    counts = models.JSONField(default=dict)
    # [{"line", "column", "field", "message", "level"}], in the language of the run
    issues = models.JSONField(default=list)
    failed_lines = models.JSONField(default=list)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import #{self.pk}"

    @property
    def committed(self) -> bool:
        return self.status == BatchStatus.DONE


class ImportFile(models.Model):
    """The uploaded bytes (base64), encrypted at rest, apart from the batch so lists never load them."""

    batch = models.OneToOneField(ImportBatch, on_delete=models.CASCADE, related_name="file")
    content = EncryptedTextField()

    def __str__(self) -> str:
        return f"file of batch {self.batch_id}"


class ImportedRow(models.Model):
    """The ledger of rows that landed: ``key`` is a keyed hash of the row's mapped values (and the agency),
    so the same row imported again is recognised and skipped. Written in the same transaction as the records
    the row created, so a crash leaves either both or neither."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=64)
    batch = models.ForeignKey(ImportBatch, null=True, on_delete=models.SET_NULL, related_name="imported_rows")
    line = models.PositiveIntegerField()
    person = models.ForeignKey("cases.Person", null=True, on_delete=models.SET_NULL, related_name="+")
    case = models.ForeignKey("cases.Case", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "key"], name="imported_row_once_per_agency")]

    def __str__(self) -> str:
        return f"row {self.line} of batch {self.batch_id}"
