"""Linkage in the product: candidate pairs for review, and clusters of persons confirmed to be one.

A confirmed match never edits or deletes an agency's `Person`: it puts both records in one
`PersonCluster`. Unmerging takes a record out of its cluster again.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CandidateStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    CONFIRMED = "confirmed", _("Confirmed: same person")
    REJECTED = "rejected", _("Rejected: different persons")
    UNMERGED = "unmerged", _("Confirmed, later unmerged")


class MatchCandidate(models.Model):
    """A pair of person records the engine scored at or above the review threshold.

    ``person_a`` is always the record with the lower id, so a pair is stored once.
    ``evidence`` lists, per compared field, the comparison level reached, whether it counts as an
    agreement, and its match weight (log2 Bayes factor): ``[{"field": "name", "level": "same phonetic key",
    "agreed": true, "weight": 9.7}, …]`` — labels only, never the values compared.
    """

    OBJECT_TYPE = "linkage.matchcandidate"

    person_a = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey("cases.Person", on_delete=models.CASCADE, related_name="+")
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    evidence = models.JSONField(default=list)
    model_version = models.CharField(max_length=80)
    status = models.CharField(max_length=16, choices=CandidateStatus.choices, default=CandidateStatus.PENDING,
                              db_index=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-match_probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="linkage_pair_once"),
            models.CheckConstraint(condition=models.Q(person_a__lt=models.F("person_b")), name="linkage_pair_ordered"),
        ]
        indexes = [models.Index(fields=["status", "-match_probability"], name="linkage_queue")]

    def __str__(self) -> str:
        return f"#{self.person_a_id} ~ #{self.person_b_id} ({self.match_probability:.3f})"


class PersonCluster(models.Model):
    """Persons confirmed to be one human being, each agency's record kept as it was."""

    OBJECT_TYPE = "linkage.personcluster"

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"cluster #{self.pk}"


class ClusterMember(models.Model):
    """A person record in a cluster; a record belongs to at most one cluster."""

    cluster = models.ForeignKey(PersonCluster, on_delete=models.CASCADE, related_name="members")
    person = models.OneToOneField("cases.Person", on_delete=models.CASCADE, related_name="linkage_membership")
    added_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    via = models.ForeignKey(MatchCandidate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"#{self.person_id} in cluster #{self.cluster_id}"
