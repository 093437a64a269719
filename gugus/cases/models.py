"""The registry of persons (victims, witnesses, perpetrators) and, later, their cases."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from gugus.cases.fields import CodeListField
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
    # " st amn ": phonetic keys of the name's words, for the linkage engine's lookup of likely matches (the
    # name search has its own word index, gugus.cases.name_index).
    name_phonetic = models.CharField(max_length=200, blank=True, default="", editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    nationality = models.ForeignKey("regions.Country", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("nationality"))
    origin_region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("region of origin"))
    # When no birth date is known: an estimated age, as of the date it was estimated.
    estimated_age = models.PositiveSmallIntegerField(_("estimated age"), null=True, blank=True)
    estimated_age_on = models.DateField(null=True, blank=True)

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

    def age_on(self, day: dt.date) -> int | None:
        """Age in whole years on ``day``, from the birth date or else the estimate."""
        if self.birth_date:
            return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month,
                                                                              self.birth_date.day))
        if self.estimated_age is not None and self.estimated_age_on:
            return self.estimated_age + (day - self.estimated_age_on).days // 365
        return None


class NameWord(models.Model):
    """One word of the persons' normalised names, stored once: the vocabulary of the name search
    (gugus.cases.name_index)."""

    text = models.CharField(max_length=64, unique=True)
    # The word's Indonesian phonetic key (gugus.linkage.prepare.phonetic_key): spelling variants share it.
    phonetic = models.CharField(max_length=64, db_index=True)
    # How many persons' names hold the word: set when the word is first stored, recounted by
    # `gugus.cases.name_index.recount_words` (nightly). The search only uses it to find the rarest typed word.
    persons = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.text


class NameWordKey(models.Model):
    """A word with up to two letters deleted: words within that many edits of each other share a key."""

    # Looked up by key alone, through the unique (key, word) index: no index of their own.
    key = models.CharField(max_length=64)
    word = models.ForeignKey(NameWord, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "word"], name="cases_namewordkey_unique")]

    def __str__(self) -> str:
        return self.key


class PersonNameWord(models.Model):
    """A person's name holds this word. (word, person) lists a word's persons; (person, word) checks one."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False)
    word = models.ForeignKey(NameWord, on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "word"], name="cases_personnameword_unique")]
        indexes = [models.Index(fields=["word", "person"], name="cases_pnw_word_person")]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.word_id}"


class PersonNamePair(models.Model):
    """Two words of one person's name (``word_a`` the smaller id). A two-word search looks up the pairs near
    both typed words at once, instead of intersecting the holders of each: "siti aminah" reads the few
    thousand persons holding both, not the tens of thousands holding "siti"."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    word_a = models.ForeignKey(NameWord, on_delete=models.PROTECT, related_name="+", db_index=False)
    word_b = models.ForeignKey(NameWord, on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        indexes = [models.Index(fields=["word_a", "word_b", "person"], name="cases_pnp_words_person"),
                   models.Index(fields=["word_b", "word_a", "person"], name="cases_pnp_words_b_person")]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.word_a_id}+{self.word_b_id}"


class IdentifierKind(models.TextChoices):
    NIK = "nik", _("NIK")
    PASSPORT = "passport", _("Passport")
    PHONE = "phone", _("Phone")
    BANK_ACCOUNT = "bank_account", _("Bank account")
    SOCIAL_HANDLE = "social_handle", _("Social-media account")


class PersonIdentifier(models.Model):
    """An identifier of a person, encrypted at rest; ``index`` is a keyed hash of its normalised form,
    so "who else has this phone number" is an exact, indexed lookup without storing the number."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(_("kind"), max_length=16, choices=IdentifierKind.choices)
    value = EncryptedTextField(_("value"))
    index = models.CharField(max_length=64, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "kind", "index"], name="identifier_once_per_person")]

    def __str__(self) -> str:
        return f"{self.kind} of person #{self.person_id}"


class CaseKind(models.TextChoices):
    TRAFFICKING = "trafficking", _("Trafficking in persons (TPPO)")
    TROUBLED_WORKER = "troubled_worker", _("Migrant worker in trouble (PMI bermasalah)")
    DECEASED_WORKER = "deceased_worker", _("Deceased migrant worker")


# Reference prefixes by kind: a reclassified case keeps its first reference (it is how people cite it).
REFERENCE_PREFIX = {CaseKind.TRAFFICKING: "TPPO", CaseKind.TROUBLED_WORKER: "PMI", CaseKind.DECEASED_WORKER: "PMIW"}


class Case(models.Model):
    """A case as one agency handles it: who was involved, what happened where, and where the criminal
    process stands. ``scope_code`` and ``owner_agency`` decide visibility, as for persons."""

    OBJECT_TYPE = "cases.case"

    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    kind = models.CharField(_("case type"), max_length=32, choices=CaseKind.choices, default=CaseKind.TRAFFICKING)
    summary = models.TextField(_("summary"), blank=True)
    reported_on = models.DateField(_("reported on"))
    police_report_number = models.CharField(_("police report number (LP)"), max_length=80, blank=True,
                                            db_index=True)
    other_reference = models.CharField(_("other reference number"), max_length=80, blank=True)
    status = models.CharField(_("status"), max_length=32, default="Active")  # vocab case_status
    # Denormalised for list filters; kept up to date by the actions that change their sources.
    current_stage = models.CharField(_("stage"), max_length=32, blank=True, db_index=True)
    has_child_victim = models.BooleanField(_("child victim"), default=False, db_index=True)
    exploitation_types = CodeListField(_("types of exploitation"))

    scope_code = models.CharField(max_length=13, db_index=True, editable=False)
    owner_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    # A form's one-time key: submitting the same form twice returns the first case instead of a second.
    intake_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-reported_on", "-id"]
        indexes = [
            models.Index(fields=["scope_code", "reported_on"]),
            # The case list's order: newest first (measured: 35–125 ms → 10–13 ms at 300,000 cases).
            models.Index(fields=["-reported_on", "-id"], name="cases_case_newest"),
        ]

    def __str__(self) -> str:
        return self.reference


class ParticipantRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    WITNESS = "witness", _("Witness")
    PERPETRATOR = "perpetrator", _("Perpetrator / suspect")


class Participant(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(_("role"), max_length=16, choices=ParticipantRole.choices)
    # Victims (HTCDS victim context)
    trafficking_status = models.CharField(_("trafficking status"), max_length=40, blank=True)
    status_decided_by = models.CharField(_("status decided by"), max_length=40, blank=True)
    relationship_to_trafficker = models.CharField(_("relationship to trafficker"), max_length=40, blank=True)
    age_at_events = models.PositiveSmallIntegerField(_("age at the time of the events"), null=True, blank=True)
    is_child = models.BooleanField(_("child (under 18) at the time of the events"), default=False)
    # Perpetrators (HTCDS perpetrator context)
    perpetrator_roles = CodeListField(_("role in the trafficking process"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "person", "role"], name="participant_once_per_role")]

    def __str__(self) -> str:
        return f"{self.role} #{self.person_id} in {self.case_id}"


class CaseOrganisation(models.Model):
    """An organisation involved in a case, e.g. a recruitment agency (P3MI) with its licence number."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=40)  # vocab organisation_types
    licence_number = models.CharField(_("licence number"), max_length=80, blank=True)
    country = models.ForeignKey("regions.Country", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    involvement = models.CharField(_("involvement"), max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class TraffickingEvent(models.Model):
    """Recruitment, transit or exploitation (HTCDS historic trafficking event), in Indonesia or abroad."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    victim = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    event_type = models.CharField(_("event"), max_length=20)  # vocab trafficking_event_types
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region in Indonesia"))
    country = models.ForeignKey("regions.Country", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("country"))
    city = models.CharField(_("city / place"), max_length=120, blank=True)
    # A partial date is stored as its first day with its precision: "2023" → 2023-01-01 / year.
    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    methods_of_control = CodeListField(_("means of control"))
    exploitation_types = CodeListField(_("types of exploitation"))
    industry = models.CharField(_("industry (forced labour)"), max_length=40, blank=True)
    recruitment_method = models.CharField(_("recruitment method"), max_length=40, blank=True)
    recruitment_platform = models.CharField(_("platform"), max_length=40, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.event_type} in case {self.case_id}"


class StageEntry(models.Model):
    """One step of the criminal process (stages are data: gugus/cases/data/stages.toml)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("stage"), max_length=32)
    date = models.DateField(_("date"))
    document_number = models.CharField(_("document number"), max_length=80, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.stage} {self.date}"


class ChargedArticle(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="charges")
    suspect = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.PROTECT, related_name="charges")
    article = models.CharField(_("article"), max_length=80)  # e.g. "UU 21/2007 Pasal 4"

    def __str__(self) -> str:
        return self.article


class Verdict(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="verdicts")
    defendant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="verdicts")
    date = models.DateField(_("date of verdict"))
    court = models.CharField(_("court"), max_length=120, blank=True)
    prison_months = models.PositiveIntegerField(_("prison sentence (months)"), null=True, blank=True)
    fine_rupiah = models.PositiveBigIntegerField(_("fine (Rp)"), null=True, blank=True)
    restitution_ordered_rupiah = models.PositiveBigIntegerField(_("restitution ordered (Rp)"), null=True, blank=True)
    restitution_paid_rupiah = models.PositiveBigIntegerField(_("restitution paid (Rp)"), null=True, blank=True)
    final = models.BooleanField(_("final (inkracht)"), default=False)

    def __str__(self) -> str:
        return f"verdict {self.date}"


class Identification(models.Model):
    """A stored assessment of the elements of TPPO for one victim, with the rule version that produced it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="identifications")
    victim = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="identifications")
    answers = models.JSONField()
    outcome = models.CharField(max_length=40)
    result = models.JSONField()
    rules_version = models.CharField(max_length=20)
    child_rule = models.CharField(max_length=20)
    assessed_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.outcome} ({self.rules_version})"
