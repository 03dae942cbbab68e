"""Adoption analytics: the software catalogue, usage events, daily count tables, adoption scores.

Dashboards read only the count tables (`OfficerDayCount`, `UnitDayCount`) and small look-ups,
never raw events or case steps per request. `FillState` records how far each table is filled.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Software(models.Model):
    """One piece of the agency's software (QLTHA, QLVB, CKS, VBDT, EMAIL, HTTT, HOP, WEB)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Positions expected to use it (none = every officer).
    expected_positions = models.ManyToManyField("org.Position", verbose_name=_("expected of positions"),
                                                blank=True, related_name="+")
    is_active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("software")
        verbose_name_plural = _("software")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class SoftwareAction(models.Model):
    """A meaningful action in a software (a document signed, an official e-mail sent...)."""

    software = models.ForeignKey(Software, on_delete=models.CASCADE, related_name="actions")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["software", "code"]
        constraints = [models.UniqueConstraint(fields=["software", "code"], name="software_action_unique")]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return f"{self.software.code}.{self.code}"


class EventSource(models.TextChoices):
    IMPORT = "import", _("Imported log")
    XAPI = "xapi", _("xAPI statement")
    SITE = "site", _("Recorded in this site")


class UsageEvent(models.Model):
    """One meaningful action by one officer. `external_id` (unique per source system) makes
    re-imports and re-sent statements harmless."""

    officer = models.ForeignKey("org.Officer", on_delete=models.CASCADE, related_name="usage_events")
    software = models.ForeignKey(Software, on_delete=models.PROTECT, related_name="events")
    action = models.ForeignKey(SoftwareAction, on_delete=models.PROTECT, related_name="events")
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    source = models.CharField(_("source"), max_length=10, choices=EventSource.choices)
    source_system = models.CharField(_("source system"), max_length=60, blank=True)
    external_id = models.CharField(_("external id"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "source_system", "external_id"], name="usage_event_unique"),
        ]
        indexes = [
            models.Index(fields=["officer", "occurred_at"]),
            models.Index(fields=["created_at"]),
        ]


class Metric(models.TextChoices):
    """What a count-table row counts. Software activity uses `active:<CODE>` / `events:<CODE>`."""

    STEPS_RECORDED = "steps_recorded", _("case steps recorded")
    STEPS_ON_TIME = "steps_on_time", _("case steps on time")
    STEPS_OVERDUE = "steps_overdue", _("case steps overdue")
    COURSES_ASSIGNED = "courses_assigned", _("courses assigned")
    COURSES_DONE_ON_TIME = "courses_done_on_time", _("courses completed on time")


class OfficerDayCount(models.Model):
    officer = models.ForeignKey("org.Officer", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    metric = models.CharField(max_length=60)
    value = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["officer", "day", "metric"], name="officer_day_count_unique"),
        ]
        indexes = [models.Index(fields=["day", "metric"])]


class UnitDayCount(models.Model):
    """Per unit (not subtree: subtrees sum over `Unit.path` prefixes) × day × metric."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    metric = models.CharField(max_length=60)
    value = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "day", "metric"], name="unit_day_count_unique"),
        ]
        indexes = [models.Index(fields=["day", "metric"])]


class FillState(models.Model):
    """How far a count table is filled: every day up to `filled_through` is complete."""

    table = models.CharField(max_length=60, unique=True)
    filled_through = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)


class ScoreSettings(models.Model):
    """The adoption score's weights and stage thresholds, in force from `effective_from`."""

    effective_from = models.DateField(_("effective from"), unique=True)
    weight_activity = models.DecimalField(_("weight: activity"), max_digits=5, decimal_places=2, default=30)
    weight_breadth = models.DecimalField(_("weight: breadth"), max_digits=5, decimal_places=2, default=15)
    weight_timeliness = models.DecimalField(_("weight: timeliness"), max_digits=5, decimal_places=2, default=30)
    weight_training = models.DecimalField(_("weight: training"), max_digits=5, decimal_places=2, default=15)
    weight_skills = models.DecimalField(_("weight: skills"), max_digits=5, decimal_places=2, default=10)
    # Score (0-100) from which each stage starts: below `stage_beginner_from` is "chưa dùng".
    stage_beginner_from = models.DecimalField(_("'just started' from"), max_digits=5, decimal_places=2, default=1)
    stage_regular_from = models.DecimalField(_("'regular' from"), max_digits=5, decimal_places=2, default=50)
    stage_proficient_from = models.DecimalField(_("'proficient' from"), max_digits=5, decimal_places=2,
                                                default=80)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("score settings")
        verbose_name_plural = _("score settings")


class Stage(models.TextChoices):
    NONE = "none", _("Not using")
    BEGINNER = "beginner", _("Just started")
    REGULAR = "regular", _("Regular")
    PROFICIENT = "proficient", _("Proficient")


class AdoptionScore(models.Model):
    """An officer's score for a calendar month (0-100 per component and in total)."""

    officer = models.ForeignKey("org.Officer", on_delete=models.CASCADE, related_name="adoption_scores")
    month = models.DateField()  # first day of the month
    activity = models.DecimalField(max_digits=5, decimal_places=2)
    breadth = models.DecimalField(max_digits=5, decimal_places=2)
    timeliness = models.DecimalField(max_digits=5, decimal_places=2)
    training = models.DecimalField(max_digits=5, decimal_places=2)
    skills = models.DecimalField(max_digits=5, decimal_places=2)
    total = models.DecimalField(max_digits=5, decimal_places=2)
    stage = models.CharField(max_length=12, choices=Stage.choices)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["officer", "month"], name="adoption_score_unique")]
        indexes = [models.Index(fields=["month", "total"])]
