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
    # Who is expected to use it: every officer, or the officers of the listed positions.
    expected_of_everyone = models.BooleanField(_("expected of every officer"), default=False)
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
    # The local (Asia/Ho_Chi_Minh) date of `occurred_at`, written with the event: the fill groups by it.
    day = models.DateField(_("day"), null=True, db_index=True)
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


class RefillDay(models.Model):
    """A day whose counts must be filled again (late-arriving data: an import or statements about a day
    already filled). `fill_counts` refills exactly these days, then deletes the rows."""

    day = models.DateField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)


class OfficerDayCount(models.Model):
    """Per officer × day × metric. The count tables are derived data, rebuilt from the sources by the
    fill: their foreign keys carry no database constraint (the fill writes thousands of rows a day,
    and PostgreSQL would check each one at commit; the officer and unit ids come from the sources'
    own checked keys) and no index of their own (the unique key leads with them). Deleting an
    officer or unit still deletes their rows (Django's `on_delete`)."""

    officer = models.ForeignKey("org.Officer", on_delete=models.CASCADE, related_name="+", db_constraint=False,
                                db_index=False)
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

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+", db_constraint=False,
                             db_index=False)  # see OfficerDayCount
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
    # A component is None when it does not apply that month (no expected software, no case step
    # recorded, no course due, no quiz taken); the total is then weighted over the others.
    activity = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    breadth = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    timeliness = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    training = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    skills = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    total = models.DecimalField(max_digits=5, decimal_places=2)
    stage = models.CharField(max_length=12, choices=Stage.choices)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["officer", "month"], name="adoption_score_unique")]
        indexes = [models.Index(fields=["month", "total"])]


class ImportMapping(models.Model):
    """Which columns of a software's usage-log export hold what: saved once per software, then reused."""

    software = models.OneToOneField(Software, verbose_name=_("software"), on_delete=models.CASCADE,
                                    related_name="import_mapping")
    email_header = models.CharField(_("column of the official e-mail"), max_length=120, blank=True)
    username_header = models.CharField(_("column of the user name"), max_length=120, blank=True)
    action_header = models.CharField(_("column of the action"), max_length=120)
    occurred_at_header = models.CharField(_("column of the time"), max_length=120)
    event_id_header = models.CharField(_("column of the event id"), max_length=120, blank=True,
                                       help_text=_("Blank: the id is made from the officer, action and time."))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")

    def __str__(self) -> str:
        return self.software.code


class UsageImport(models.Model):
    """One uploaded usage log: checked chunk by chunk (progress), then applied all rows or none."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        PREVIEW = "preview", _("Awaiting confirmation")
        INVALID = "invalid", _("Has errors")
        APPLIED = "applied", _("Applied")

    software = models.ForeignKey(Software, verbose_name=_("software"), on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file = models.FileField(upload_to="usage-imports/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(default=0)
    file_sha256 = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    estimated_rows = models.PositiveIntegerField(default=0)  # counted at upload, for the progress bar
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    new_rows = models.PositiveIntegerField(_("new events"), default=0)
    known_rows = models.PositiveIntegerField(_("already imported"), default=0)
    unmatched_count = models.PositiveIntegerField(_("rows without a matching officer"), default=0)
    unmatched = models.JSONField(default=list)  # the first unmatched rows: [{"row", "who"}]
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(default=list)  # the first errors: [{"row", "column", "message"}]
    days = models.JSONField(default=list)  # ISO dates the file's events fall on
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("usage import")
        verbose_name_plural = _("usage imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def progress_percent(self) -> int:
        if self.status != self.Status.CHECKING:
            return 100
        return min(99, int(100 * self.rows_read / max(self.estimated_rows, 1)))


class UsageImportRow(models.Model):
    """A checked row of an import, staged until the import is applied (then deleted)."""

    batch = models.ForeignKey(UsageImport, on_delete=models.CASCADE, related_name="staged_rows")
    row = models.PositiveIntegerField()
    officer = models.ForeignKey("org.Officer", on_delete=models.CASCADE, related_name="+")
    action = models.ForeignKey(SoftwareAction, on_delete=models.CASCADE, related_name="+")
    occurred_at = models.DateTimeField()
    day = models.DateField()
    external_id = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "external_id"], name="usage_import_row_unique")]


class XapiToken(models.Model):
    """The bearer token of one source system pushing xAPI statements; only its SHA-256 is stored."""

    name = models.CharField(_("source system"), max_length=60, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("starts with"), max_length=12)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("xAPI token")
        verbose_name_plural = _("xAPI tokens")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class XapiMapping(models.Model):
    """verb IRI × activity IRI → software action. A blank activity matches any activity of that verb."""

    verb_iri = models.CharField(_("verb IRI"), max_length=300)
    activity_iri = models.CharField(_("activity IRI"), max_length=300, blank=True,
                                    help_text=_("Blank: any activity."))
    action = models.ForeignKey(SoftwareAction, verbose_name=_("action"), on_delete=models.CASCADE,
                               related_name="xapi_mappings")

    class Meta:
        ordering = ["verb_iri", "activity_iri"]
        constraints = [models.UniqueConstraint(fields=["verb_iri", "activity_iri"], name="xapi_mapping_unique")]
        verbose_name = _("xAPI mapping")
        verbose_name_plural = _("xAPI mappings")

    def __str__(self) -> str:
        return f"{self.verb_iri} × {self.activity_iri or '*'} → {self.action}"
