"""Enforcement cases, their steps (versioned), statutory deadline rules and the deadlines they open,
and the import batches of steps exported from the national case software."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.calendar import CALENDAR_DAYS, MONTHS, WORKING_DAYS, YEARS


class CaseKind(models.TextChoices):
    ON_REQUEST = "on_request", _("On request")
    EX_OFFICIO = "ex_officio", _("Ex officio")


class CaseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", pgettext_lazy("case status", "In progress")
    NO_MEANS = "no_means", _("No means yet")
    POSTPONED = "postponed", _("Postponed")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")
    COMPLETED = "completed", pgettext_lazy("case status", "Completed")
    ARCHIVED = "archived", _("Archived")


CLOSED_STATUSES = (CaseStatus.TERMINATED, CaseStatus.COMPLETED, CaseStatus.ARCHIVED)


class StepType(models.Model):
    """A kind of case step (DOMAIN.md's list, kept as data)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Timeliness rule: a step is on time when recorded within this many working days of its legal date.
    on_time_within = models.PositiveSmallIntegerField(_("on time within (working days)"), default=1)
    # The case status a step of this type leads to (blank: unchanged).
    sets_status = models.CharField(_("sets case status"), max_length=12, choices=CaseStatus.choices, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("step type")
        verbose_name_plural = _("step types")

    def __str__(self) -> str:
        return self.name


class PeriodUnit(models.TextChoices):
    WORKING_DAYS = WORKING_DAYS, _("working days")
    CALENDAR_DAYS = CALENDAR_DAYS, _("days")
    MONTHS = MONTHS, _("months")
    YEARS = YEARS, _("years")


class DeadlineRule(models.Model):
    """After a step of `from_step`, a step of `to_step` is due within the period (the rule in force on
    the trigger's legal date is the one with the latest `effective_from` not after it)."""

    from_step = models.ForeignKey(StepType, verbose_name=_("after step"), on_delete=models.PROTECT, related_name="+")
    to_step = models.ForeignKey(StepType, verbose_name=_("step due"), on_delete=models.PROTECT, related_name="+")
    case_kind = models.CharField(_("case kind"), max_length=12, choices=CaseKind.choices, blank=True,
                                 help_text=_("Blank: every kind."))
    period = models.PositiveIntegerField(_("period"))
    unit = models.CharField(_("unit"), max_length=16, choices=PeriodUnit.choices)
    article = models.CharField(_("legal basis"), max_length=80, blank=True)
    effective_from = models.DateField(_("effective from"))
    is_verified = models.BooleanField(_("verified"), default=True,
                                      help_text=_("Checked against the text of the law in force."))
    is_active = models.BooleanField(_("active"), default=True,
                                    help_text=_("An inactive rule stops the rule it replaces without a new period."))

    class Meta:
        ordering = ["effective_from", "from_step__order", "to_step__order"]
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        constraints = [
            models.UniqueConstraint(fields=["from_step", "to_step", "case_kind", "effective_from"],
                                    name="cases_rule_unique_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.from_step} → {self.to_step}: {self.period} {self.get_unit_display()} ({self.article})"


class EnforcementCase(models.Model):
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="cases")
    number = models.CharField(_("case number"), max_length=60)
    officer = models.ForeignKey("org.Officer", verbose_name=_("enforcement officer"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="cases")
    intake_date = models.DateField(_("intake date"))
    kind = models.CharField(_("kind"), max_length=12, choices=CaseKind.choices, default=CaseKind.ON_REQUEST)
    judgment_ref = models.CharField(_("judgment"), max_length=200, blank=True)
    obligation = models.TextField(_("obligation"), blank=True)
    amount_due = models.DecimalField(_("amount due (VND)"), max_digits=18, decimal_places=0, default=0)
    amount_collected = models.DecimalField(_("amount collected (VND)"), max_digits=18, decimal_places=0, default=0)
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.IN_PROGRESS)
    external_id = models.CharField(_("id in the national software"), max_length=80, blank=True)
    search_number = models.CharField(max_length=60, db_index=True, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-intake_date", "number"]
        verbose_name = _("enforcement case")
        verbose_name_plural = _("enforcement cases")
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="cases_case_number_unique_in_unit"),
            models.UniqueConstraint(fields=["external_id"], condition=~Q(external_id=""),
                                    name="cases_case_external_id_unique"),
        ]
        indexes = [models.Index(fields=["officer", "status"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES


class CaseParty(models.Model):
    """A party to a case. Personal data: shown only to officers of the case's unit and their managers."""

    class Role(models.TextChoices):
        CREDITOR = "creditor", _("Judgment creditor")
        DEBTOR = "debtor", _("Judgment debtor")
        RELATED = "related", _("Related party")

    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    full_name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # Lower-case, accent-free copy of the name ("nguyen van a") for search.
    search_name = models.CharField(max_length=200, db_index=True, editable=False, default="")

    class Meta:
        ordering = ["role", "full_name"]
        verbose_name = _("case party")
        verbose_name_plural = _("case parties")

    def __str__(self) -> str:
        return self.full_name


class StepSource(models.TextChoices):
    MANUAL = "manual", _("Entered here")
    IMPORT = "import", _("Imported")
    API = "api", _("API")


class CaseStepQuerySet(models.QuerySet):
    def current(self) -> CaseStepQuerySet:
        return self.filter(is_current=True)


class CaseStep(models.Model):
    """One step of a case. A correction adds a new version (`supersedes` the old, which stays, no longer
    current); nothing is deleted. Timeliness is precomputed when the step is written, so reports are
    plain SQL aggregates: `lag_working_days` from the legal date to the first recording of the step."""

    case = models.ForeignKey(EnforcementCase, on_delete=models.PROTECT, related_name="steps")
    step_type = models.ForeignKey(StepType, verbose_name=_("step"), on_delete=models.PROTECT, related_name="+")
    legal_date = models.DateField(_("date of the act"))
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_date = models.DateField(_("recorded on"))  # local date of the first recording of this step
    # Not indexed alone: the (recorded_by, recorded_date) index below starts with it.
    recorded_by = models.ForeignKey("org.Officer", verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="case_steps", db_index=False)
    # Denormalised from the case so that unit-subtree reports do not join the case table. Not indexed
    # alone: the (unit, recorded_date) index below starts with it. Copied from the case, so without a
    # database constraint of its own (see COPIED_KEYS).
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", db_index=False,
                             db_constraint=False)
    source = models.CharField(_("source"), max_length=8, choices=StepSource.choices, default=StepSource.MANUAL)
    external_id = models.CharField(_("id in the national software"), max_length=80, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    lag_working_days = models.IntegerField(_("lag (working days)"), default=0)
    on_time = models.BooleanField(_("on time"), default=True)
    is_current = models.BooleanField(default=True)
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="superseded_by")
    version = models.PositiveSmallIntegerField(default=1)
    import_batch = models.ForeignKey("ImportBatch", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="steps")

    objects = CaseStepQuerySet.as_manager()

    class Meta:
        ordering = ["legal_date", "id"]
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        constraints = [
            models.UniqueConstraint(fields=["external_id"], condition=Q(is_current=True) & ~Q(external_id=""),
                                    name="cases_step_external_id_current_unique"),
        ]
        indexes = [
            models.Index(fields=["unit", "recorded_date"], name="cases_step_unit_recorded"),
            models.Index(fields=["recorded_by", "recorded_date"], name="cases_step_officer_recorded"),
            models.Index(fields=["external_id"], name="cases_step_external_id"),
            # The nightly fill of the adoption count tables reads one day's steps of every unit.
            models.Index(fields=["recorded_date"], name="cases_step_recorded"),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.step_type} {self.legal_date:%d/%m/%Y}"


class CaseDeadline(models.Model):
    """A statutory deadline opened by a step: `expected` is due by `due_date`; met by a later step."""

    # `case` (the trigger's case), `expected` (the rule's step), `officer` and `unit` (the case's) are
    # copied when the deadline is written, so they carry no database constraint of their own (see
    # COPIED_KEYS); `rule` and `trigger` do.
    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="deadlines",
                             db_constraint=False)
    rule = models.ForeignKey(DeadlineRule, on_delete=models.PROTECT, related_name="+")
    trigger = models.ForeignKey(CaseStep, on_delete=models.CASCADE, related_name="+")
    trigger_date = models.DateField(_("triggered on"))
    expected = models.ForeignKey(StepType, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    due_date = models.DateField(_("due date"))
    # Denormalised from the case so "due soon / overdue" lists are one indexed query. Neither is indexed
    # alone: the (officer, is_open, due_date) and (unit, due_date) indexes below start with them.
    officer = models.ForeignKey("org.Officer", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                db_index=False, db_constraint=False)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", db_index=False,
                             db_constraint=False)
    is_open = models.BooleanField(default=True)
    met_by = models.ForeignKey(CaseStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    met_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            models.Index(fields=["officer", "is_open", "due_date"], name="cases_deadline_officer_due"),
            models.Index(fields=["unit", "due_date"], name="cases_deadline_unit_due"),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.expected} ≤ {self.due_date:%d/%m/%Y}"


class ImportBatch(models.Model):
    """One uploaded file of steps: checked first, applied (all rows or none) only when valid and confirmed."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Awaiting confirmation")
        INVALID = "invalid", _("Has errors")
        APPLIED = "applied", _("Applied")

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file = models.FileField(upload_to="case-imports/%Y/%m/", blank=True)
    # The checked rows of a valid file (gzip'd JSON lines), streamed by the apply step.
    staged = models.FileField(upload_to="case-imports/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    new_rows = models.PositiveIntegerField(_("new steps"), default=0)
    corrected_rows = models.PositiveIntegerField(_("corrections"), default=0)
    unchanged_rows = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(default=list)  # the first errors: [{"row", "column", "message"}]
    sample = models.JSONField(default=list)  # the first rows, for the preview
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("step import")
        verbose_name_plural = _("step imports")

    def __str__(self) -> str:
        return self.file_name


# Foreign keys copied from a row that holds the same key under a database constraint: (model, field) →
# the path to the key they copy. They carry no constraint of their own (`db_constraint=False`): the
# row they copy keeps the parent from being deleted, the services write them from it (the test
# `test_copied_keys` checks every way of writing steps and deadlines agrees), and deleting through
# Django still honours their `on_delete`. On PostgreSQL every constrained key costs a look-up per
# row at commit; these five are five of the eleven for an imported step and its deadline.
COPIED_KEYS = {
    ("CaseStep", "unit"): "case__unit",
    ("CaseDeadline", "case"): "trigger__case",
    ("CaseDeadline", "expected"): "rule__to_step",
    ("CaseDeadline", "officer"): "case__officer",
    ("CaseDeadline", "unit"): "case__unit",
}
