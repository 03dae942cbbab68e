"""Courses, lessons, assignments, enrollments, progress, certificates and notifications."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.certificates.codes import VERIFICATION_ALPHABET, new_verification_code  # noqa: F401 (migrations)
from core.certificates.models import IssuedCertificate


class CourseQuerySet(models.QuerySet):
    def published(self) -> CourseQuerySet:
        return self.filter(status=Course.Status.PUBLISHED)

    def taught_by(self, user) -> CourseQuerySet:  # noqa: ANN001
        """Courses the user wrote or co-teaches."""
        return self.filter(Q(created_by=user) | Q(co_trainers=user)).distinct()


class Course(models.Model):
    class Category(models.TextChoices):
        BASIC_IT = "basic_it", _("Basic IT skills (IU01–IU06)")
        ADVANCED_IT = "advanced_it", _("Advanced IT skills (IU07–IU15)")
        CASE_SOFTWARE = "case_software", _("THADS case software")
        E_OFFICE = "e_office", _("E-office: official e-mail, e-documents, digital signature")
        SECURITY = "security", _("Information security")

    class Level(models.TextChoices):
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class GradeMethod(models.TextChoices):
        # Each quiz's grade is taken by its own grading method (highest, average, first or last attempt).
        MEAN = "mean", _("Mean of the quiz grades")
        WEIGHTED = "weighted", _("Quiz grades weighted by the quiz lessons' weights")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    level = models.CharField(pgettext_lazy("course", "level"), max_length=20, choices=Level.choices, default=Level.BEGINNER)
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), default=30)
    prerequisites = models.ManyToManyField(
        "self", verbose_name=_("prerequisites"), symmetrical=False, blank=True, related_name="unlocks"
    )
    # Comma-separated skill codes of the IT skills standard, e.g. "IU01,IU06.2".
    skill_tags = models.CharField(_("skill tags"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Moodle's "restrict access by completion": a lesson opens once the required lessons before it are done.
    lock_order = models.BooleanField(_("lock lessons in order"), default=False,
                                     help_text=_("A lesson opens only when the required lessons before it are done."))
    grade_method = models.CharField(_("course grade"), max_length=10, choices=GradeMethod.choices,
                                    default=GradeMethod.MEAN)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    # Trainers who co-teach the course: beside its author they see its learners, results, certificates and
    # reports whatever the learners' units (org.selectors.scope_filter's course-based scope).
    co_trainers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("co-trainers"), blank=True,
                                         related_name="co_taught_courses")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["category", "code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def skill_list(self) -> list[str]:
        return [tag.strip() for tag in self.skill_tags.split(",") if tag.strip()]


class Module(models.Model):
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["course", "position", "pk"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self) -> str:
        return self.title


class LessonQuerySet(models.QuerySet):
    def active(self) -> LessonQuerySet:
        return self.filter(is_archived=False)

    def in_order(self) -> LessonQuerySet:
        return self.order_by("module__position", "module_id", "position", "pk")


class CompletionRule(models.TextChoices):
    MANUAL = "manual", _("the learner marks it as done")
    VIEWED = "viewed", _("viewed")
    TIME = "time", _("viewed for at least N minutes")
    VIDEO = "video", _("video watched to N %")
    FILE = "file", _("file downloaded")
    QUIZ = "quiz", _("quiz passed")
    TRAINER = "trainer", _("marked by the trainer")


class Lesson(models.Model):
    CompletionRule = CompletionRule

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        VIDEO = "video", _("Video")
        FILE = "file", _("File to download")
        LINK = "link", _("External link")
        QUIZ = "quiz", _("Quiz")

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="lessons")
    module = models.ForeignKey(Module, verbose_name=_("module"), on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    body = models.TextField(_("text (Markdown)"), blank=True)
    video = models.FileField(_("video"), upload_to="learning/video/%Y/%m/", blank=True)
    attachment = models.FileField(_("file"), upload_to="learning/files/%Y/%m/", blank=True)
    url = models.URLField(_("link"), blank=True)
    is_required = models.BooleanField(_("required"), default=True)
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), default=5)
    # How the lesson counts as done (learning.completion checks it). Lessons made before rules existed keep
    # "marked by the learner"; a quiz lesson is always completed by passing its quiz.
    completion_rule = models.CharField(_("completed when"), max_length=10, choices=CompletionRule.choices,
                                       default=CompletionRule.MANUAL)
    completion_minutes = models.PositiveSmallIntegerField(
        _("minutes to view"), default=2, validators=[MinValueValidator(1)],
        help_text=_("For “viewed for at least N minutes”."))
    completion_percent = models.PositiveSmallIntegerField(
        _("percentage of the video to watch"), default=90, validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("For “video watched to N %”."))
    # The weight of a quiz lesson in a course graded "weighted".
    grade_weight = models.PositiveSmallIntegerField(_("weight in the course grade"), default=1)
    # A lesson removed from a course that learners have already started is archived, never deleted.
    is_archived = models.BooleanField(_("archived"), default=False)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["module__position", "module_id", "position", "pk"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):  # noqa: ANN002, ANN003
        self.course_id = self.module.course_id
        super().save(*args, **kwargs)

    @property
    def rule(self) -> str:
        """The completion rule in force: a quiz lesson is completed by its quiz whatever is stored."""
        if self.kind == self.Kind.QUIZ:
            return CompletionRule.QUIZ
        if self.completion_rule == CompletionRule.QUIZ:
            return CompletionRule.MANUAL
        return self.completion_rule

    @property
    def learner_may_tick(self) -> bool:
        return self.rule == CompletionRule.MANUAL

    @property
    def completion_text(self) -> str:
        """What completes the lesson, as the learner reads it ("Hoàn thành khi: xem ít nhất 5 phút")."""
        rule = self.rule
        if rule == CompletionRule.TIME:
            return _("Completed when: viewed for at least %(minutes)s minutes") % {"minutes": self.completion_minutes}
        if rule == CompletionRule.VIDEO:
            return _("Completed when: %(percent)s%% of the video is watched") % {"percent": self.completion_percent}
        texts = {
            CompletionRule.MANUAL: _("Completed when: you mark it as done"),
            CompletionRule.VIEWED: _("Completed when: opened"),
            CompletionRule.FILE: _("Completed when: the file is downloaded"),
            CompletionRule.QUIZ: _("Completed when: the quiz is passed"),
            CompletionRule.TRAINER: _("Completed when: the trainer confirms it"),
        }
        return str(texts[rule])


class CourseImage(models.Model):
    """An image uploaded for a course, embedded in lesson text by its URL."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="images")
    image = models.FileField(_("image"), upload_to="learning/images/%Y/%m/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course image")
        verbose_name_plural = _("course images")


class Assignment(models.Model):
    """A course assigned to a unit subtree (optionally only some positions) with a due date."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit (and its sub-units)"), on_delete=models.PROTECT,
                             related_name="course_assignments")
    positions = models.ManyToManyField("org.Position", verbose_name=_("positions"), blank=True,
                                       help_text=_("Leave empty for every position."), related_name="+")
    due_date = models.DateField(_("due date"))
    # Relative due date: an officer enrolled later has until max(due_date, enrolment day + N days).
    due_days_after_enrolment = models.PositiveSmallIntegerField(
        _("days after enrolment"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("For officers enrolled later: they have this many days from their enrolment "
                    "(or the due date above if it is later). Leave empty for the fixed due date."))
    recertify_months = models.PositiveSmallIntegerField(
        _("recertify every (months)"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("For refreshers such as yearly security training; leave empty for none."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"{self.course.code} → {self.unit.code}"

    def due_date_for(self, enrolled_on: dt.date) -> dt.date:
        """The due date of an officer enrolled on `enrolled_on`: the fixed date, or with a relative due date
        the later of the fixed date and `enrolled_on` + N days (a late joiner is not overdue on day one)."""
        if self.due_days_after_enrolment:
            return max(self.due_date, enrolled_on + dt.timedelta(days=self.due_days_after_enrolment))
        return self.due_date


class EnrollmentQuerySet(models.QuerySet):
    def current(self) -> EnrollmentQuerySet:
        return self.filter(is_current=True)


class Enrollment(models.Model):
    """An officer taking a course. A recertification starts a new cycle; the old one stays as history."""

    class Source(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        SELF = "self", _("Self-enrolled")

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="enrollments")
    officer = models.ForeignKey("org.Officer", verbose_name=_("officer"), on_delete=models.CASCADE,
                                related_name="enrollments")
    assignment = models.ForeignKey(Assignment, verbose_name=_("assignment"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="enrollments")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.SELF)
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    cycle = models.PositiveSmallIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, db_index=True)
    last_lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The unit this enrollment is counted under in EnrollmentCount: the officer's unit, moved with the officer.
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    # Kept up to date by the services so that lists never count progress rows per enrollment.
    progress_percent = models.PositiveSmallIntegerField(default=0)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(fields=["course", "officer"], condition=Q(is_current=True),
                                    name="learning_one_current_enrollment"),
            models.UniqueConstraint(fields=["course", "officer", "cycle"], name="learning_enrollment_cycle_unique"),
        ]
        indexes = [models.Index(fields=["officer", "is_current"])]

    def __str__(self) -> str:
        return f"{self.officer} · {self.course.code}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


NO_DUE_DATE = dt.date(9999, 12, 31)  # the count key of enrollments without a due date: never overdue


class EnrollmentCount(models.Model):
    """Current enrollments counted per course × unit × due date, for the course report.

    Kept exact by the services that change enrollments (signed increments in the same transaction);
    `manage.py refresh_learning_counts` rebuilds it from the enrollments. "Started" counts enrollments
    started or completed; overdue = assigned − completed over the rows whose due date is before today.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField(default=NO_DUE_DATE)
    # Plain integers (no check constraint): a decrement after drift must never block the user's action.
    assigned = models.IntegerField(default=0)
    started = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("enrollment count")
        verbose_name_plural = _("enrollment counts")
        constraints = [models.UniqueConstraint(fields=["course", "unit", "due_date"],
                                               name="learning_enrollment_count_cell")]

    def __str__(self) -> str:
        return f"{self.course_id}/{self.unit_id}/{self.due_date}: {self.assigned}"


class LessonProgress(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", _("Marked by the learner")
        QUIZ = "quiz", _("Quiz passed")
        IMPORT = "import", _("Imported")
        VIEWED = "viewed", _("Viewed")
        TIME = "time", _("Viewed long enough")
        VIDEO = "video", _("Video watched")
        FILE = "file", _("File downloaded")
        TRAINER = "trainer", _("Marked by the trainer")

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    first_opened_at = models.DateTimeField(auto_now_add=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    time_spent_seconds = models.PositiveIntegerField(default=0)
    # Measured by the server alone (between the page being opened and its heartbeats), for the
    # "viewed for at least N minutes" rule; time_spent_seconds may also hold reported or imported time.
    seen_seconds = models.PositiveIntegerField(default=0)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    video_percent = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson"], name="learning_progress_unique")]

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class Certificate(IssuedCertificate):
    """Proof that an officer completed a course. Names, the holder's unit, the number and the issuing
    agency with its signer are copied at issue (core.certificates), so a reprint never changes."""

    SERIES = "CN"  # the register series of course certificates ("007/2026/CN")

    enrollment = models.OneToOneField(Enrollment, on_delete=models.PROTECT, related_name="certificate")
    officer = models.ForeignKey("org.Officer", on_delete=models.PROTECT, related_name="certificates")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    code = models.CharField(_("verification code"), max_length=20, unique=True, default=new_verification_code)
    officer_name = models.CharField(_("full name"), max_length=150)
    course_title = models.CharField(_("course"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=200, blank=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.code

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class Notification(models.Model):
    """A message in the site (and by e-mail). `reason_key` is unique so that a reminder is never sent twice."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("New course assigned")
        DUE_SOON = "due_soon", _("Course due soon")
        OVERDUE = "overdue", _("Course overdue")
        DIGEST = "digest", _("Overdue digest")
        CERTIFICATE = "certificate", _("Certificate issued")
        RECERTIFY = "recertify", _("Refresher due")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason_key = models.CharField(max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # False for in-site-only notices. A failed send is retried by the next periodic run, up to
    # EMAIL_MAX_ATTEMPTS times (learning.services.notifications_email_pending).
    email_wanted = models.BooleanField(default=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title
