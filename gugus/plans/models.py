"""Action plans (RAN/RAD), coordination meetings with follow-up tasks, and socialisation events.

Every record belongs to a task force; ``scope_code`` repeats the task force's region code ("" for the
national task force) so that scope is one indexed prefix filter, as for cases.
"""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gugus.accounts.models import SubTaskForce


def evidence_storage() -> FileSystemStorage:
    """Evidence lives under MEDIA_ROOT but is never served from a public URL: only through the
    scope-checking download view."""
    return FileSystemStorage()


class PlanKind(models.TextChoices):
    RAN = "RAN", _("National action plan (RAN)")
    RAD = "RAD", _("Regional action plan (RAD)")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In force")
    CLOSED = "closed", _("Closed")


class ActionPlan(models.Model):
    OBJECT_TYPE = "plans.actionplan"

    task_force = models.ForeignKey("accounts.TaskForce", on_delete=models.PROTECT, related_name="action_plans",
                                   verbose_name=_("task force"))
    scope_code = models.CharField(max_length=13, blank=True, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=3, choices=PlanKind.choices)
    title = models.CharField(_("title"), max_length=250)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    decree = models.CharField(_("decree"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    # A draft made by carrying over the unmet activities of another plan.
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="carried_into")
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_year", "title"]
        constraints = [
            models.CheckConstraint(name="plan_years_in_order", condition=Q(end_year__gte=models.F("start_year"))),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.start_year}–{self.end_year}"

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class Programme(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="programmes")
    code = models.CharField(_("number"), max_length=20)
    name = models.CharField(_("programme"), max_length=300)
    sub_task_force = models.CharField(_("sub-task-force"), max_length=16, blank=True,
                                      choices=SubTaskForce.Kind.choices)

    class Meta:
        ordering = ["code", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Activity(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="activities")
    code = models.CharField(_("number"), max_length=20)
    name = models.CharField(_("activity"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    responsible_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+",
                                           verbose_name=_("responsible agency"))
    supporting_agencies = models.ManyToManyField("accounts.Agency", blank=True, related_name="+",
                                                 verbose_name=_("supporting agencies"))
    budget_rupiah = models.PositiveBigIntegerField(_("budget (Rp)"), default=0)
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["code", "id"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Direction(models.TextChoices):
    INCREASE = "increase", _("Higher is better")
    DECREASE = "decrease", _("Lower is better")


class Indicator(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, default=0)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices,
                                 default=Direction.INCREASE)
    # A computed indicator names a metric (gugus/plans/metrics.py); its realisation is never typed.
    metric_code = models.CharField(_("computed from"), max_length=60, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def computed(self) -> bool:
        return bool(self.metric_code)


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="one_target_per_year")]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class ProgressReport(models.Model):
    """An agency's report on one activity for one period: a year (semester 0) or a semester (1, 2).
    Values are cumulative within the year, so the latest period of a year stands for the year."""

    OBJECT_TYPE = "plans.progressreport"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="reports")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("reporting agency"))
    year = models.PositiveSmallIntegerField(_("year"))
    semester = models.PositiveSmallIntegerField(_("semester"), default=0,
                                                choices=[(0, _("Whole year")), (1, _("Semester 1")),
                                                         (2, _("Semester 2"))])
    narrative = models.TextField(_("what was done"), blank=True)
    obstacles = models.TextField(_("obstacles"), blank=True)
    interventions = models.TextField(_("interventions needed"), blank=True)
    budget_realised_rupiah = models.PositiveBigIntegerField(_("budget spent (Rp)"), default=0)
    reported_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "semester", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "year", "semester"], name="one_report_per_period"),
            models.CheckConstraint(name="semester_0_1_2", condition=Q(semester__in=[0, 1, 2])),
        ]

    def __str__(self) -> str:
        return f"{self.activity.code} {self.year}/{self.semester}"


class Realisation(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="realisations")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="realisations")
    value = models.DecimalField(_("realisation"), max_digits=14, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="one_value_per_report")]

    def __str__(self) -> str:
        return str(self.value)


class Evidence(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="plans/evidence/%Y/", storage=evidence_storage, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.original_name


# --- coordination meetings ----------------------------------------------------------------------------------

class Meeting(models.Model):
    OBJECT_TYPE = "plans.meeting"

    task_force = models.ForeignKey("accounts.TaskForce", on_delete=models.PROTECT, related_name="meetings",
                                   verbose_name=_("task force"))
    scope_code = models.CharField(max_length=13, blank=True, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=250)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date})"


class MeetingParticipant(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    attendees = models.PositiveSmallIntegerField(_("people"), default=1)

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "agency"], name="agency_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.agency_id} ×{self.attendees}"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS)


class FollowUp(models.Model):
    OBJECT_TYPE = "plans.followup"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="follow_ups")
    description = models.TextField(_("task"))
    owner_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("owner agency"))
    due_date = models.DateField(_("due date"), db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=FollowUpStatus.choices,
                              default=FollowUpStatus.OPEN)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("case"))
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="follow_ups", verbose_name=_("plan activity"))
    note = models.TextField(_("note"), blank=True)
    completed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.description[:60]


class FollowUpReminder(models.Model):
    """One reminder per task per day: the command can run any number of times a day."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField()
    overdue = models.BooleanField(default=False)
    recipients = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["follow_up", "day"], name="one_reminder_per_day")]

    def __str__(self) -> str:
        return f"{self.follow_up_id} {self.day}"


# --- socialisation and advocacy -----------------------------------------------------------------------------

class SocialisationEvent(models.Model):
    OBJECT_TYPE = "plans.socialisationevent"

    task_force = models.ForeignKey("accounts.TaskForce", on_delete=models.PROTECT, related_name="events",
                                   verbose_name=_("task force"))
    scope_code = models.CharField(max_length=13, blank=True, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=250)
    date = models.DateField(_("date"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    target_group = models.CharField(_("target group"), max_length=40)  # vocab target_groups
    channel = models.CharField(_("channel"), max_length=40)  # vocab channels
    organiser = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("organiser"))
    materials = models.TextField(_("materials"), blank=True)
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="events", verbose_name=_("plan activity"))
    participants_total = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["scope_code", "date"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.date})"


class EventAttendance(models.Model):
    event = models.ForeignKey(SocialisationEvent, on_delete=models.CASCADE, related_name="attendance")
    sex = models.CharField(max_length=1)  # vocab sexes
    age_group = models.CharField(max_length=16)  # vocab age_groups
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "sex", "age_group"], name="one_count_per_group")]

    def __str__(self) -> str:
        return f"{self.sex}/{self.age_group}: {self.count}"
