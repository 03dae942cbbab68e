"""Question bank (categories, questions with immutable versions), quizzes, attempts and answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class QuestionType(models.TextChoices):
    MULTICHOICE = "multichoice", _("Multiple choice")
    TRUEFALSE = "truefalse", _("True/false")
    SHORTANSWER = "shortanswer", _("Short answer")
    NUMERICAL = "numerical", _("Numerical")
    MATCHING = "matching", _("Matching")
    ESSAY = "essay", _("Essay")
    DESCRIPTION = "description", _("Description")


class TextFormat(models.TextChoices):
    MOODLE = "moodle", _("Auto-format")
    HTML = "html", _("HTML")
    MARKDOWN = "markdown", _("Markdown")
    PLAIN = "plain", _("Plain text")


class QuestionCategory(models.Model):
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey("self", verbose_name=_("parent category"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="quizzes_category_unique_name"),
            models.UniqueConstraint(fields=["name"], condition=Q(parent__isnull=True),
                                    name="quizzes_category_unique_root_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A free label on questions; skill codes such as IU03 make good tags."""

    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class QuestionQuerySet(models.QuerySet):
    def active(self) -> QuestionQuerySet:
        return self.filter(is_archived=False)


class Question(models.Model):
    """A question of the bank. Its content lives in versions; editing adds a version."""

    category = models.ForeignKey(QuestionCategory, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="questions")
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="questions")
    qtype = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    idnumber = models.CharField(_("ID number"), max_length=100, blank=True)
    current_version = models.ForeignKey("QuestionVersion", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    is_archived = models.BooleanField(_("archived"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.current_version.title if self.current_version_id else f"#{self.pk}"


class ImmutableError(Exception):
    """Raised when code tries to change a saved question version."""


class QuestionVersion(models.Model):
    """One immutable version of a question: what an attempt showed is kept forever.

    ``data`` holds the type-specific part (answers with stable ids, fractions, tolerances,
    pairs, feedback); see quizzes/README.md for its shape per type.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    qtype = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    title = models.CharField(_("title"), max_length=255)
    text = models.TextField(_("question text"))
    text_format = models.CharField(_("text format"), max_length=10, choices=TextFormat.choices,
                                   default=TextFormat.MOODLE)
    general_feedback = models.TextField(_("general feedback"), blank=True)
    data = models.JSONField(default=dict)
    default_mark = models.DecimalField(_("default mark"), max_digits=7, decimal_places=2, default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question", "-number"]
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="quizzes_version_unique")]

    def save(self, *args, **kwargs):  # noqa: ANN002, ANN003
        if self.pk is not None:
            raise ImmutableError("question versions are immutable")
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"


class QuestionImport(models.Model):
    """An uploaded GIFT or Aiken file: previewed first, imported only when confirmed."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Awaiting confirmation")
        INVALID = "invalid", _("Has errors")
        APPLIED = "applied", _("Imported")

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10)
    content = models.TextField()
    category = models.ForeignKey(QuestionCategory, on_delete=models.PROTECT, related_name="+")
    strict = models.BooleanField(default=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW)
    summary = models.JSONField(default=dict)
    errors = models.JSONField(default=list)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.file_name


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", _("Highest grade")
    AVERAGE = "average", _("Average grade")
    FIRST = "first", _("First attempt")
    LAST = "last", _("Last attempt")


class Navigation(models.TextChoices):
    FREE = "free", _("Free")
    SEQUENTIAL = "sequential", _("Sequential")


class ReviewWhen(models.TextChoices):
    NEVER = "never", _("Never")
    AFTER_SUBMIT = "after_submit", _("Right after the attempt")
    AFTER_CLOSE = "after_close", _("After the quiz closes")


class QuizQuerySet(models.QuerySet):
    def published(self) -> QuizQuerySet:
        return self.filter(is_published=True)

    def for_unit(self, unit) -> QuizQuerySet:  # noqa: ANN001
        """Quizzes whose audience includes officers of `unit` (no audience = everyone)."""
        return self.filter(Q(audience__isnull=True) | Q(audience__path__in=unit.ancestor_paths()))


class Quiz(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    audience = models.ForeignKey("org.Unit", verbose_name=_("for officers of"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+",
                                 help_text=_("Leave empty for every officer."))
    open_at = models.DateTimeField(_("opens"), null=True, blank=True)
    close_at = models.DateTimeField(_("closes"), null=True, blank=True)
    time_limit_minutes = models.PositiveIntegerField(_("time limit (minutes)"), null=True, blank=True)
    attempts_allowed = models.PositiveIntegerField(_("attempts allowed"), default=1,
                                                   help_text=_("0 means unlimited."))
    grading_method = models.CharField(_("grading method"), max_length=10, choices=GradingMethod.choices,
                                      default=GradingMethod.HIGHEST)
    pass_mark = models.DecimalField(_("pass mark (%)"), max_digits=5, decimal_places=2, default=50)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_answers = models.BooleanField(_("shuffle answers"), default=True)
    navigation = models.CharField(_("navigation"), max_length=10, choices=Navigation.choices,
                                  default=Navigation.FREE)
    # What the officer sees after an attempt, and when (Moodle's review options): the review page
    # with their own answers, their marks (also in the attempt list), the right answers, feedback.
    review_when = models.CharField(_("review available"), max_length=15, choices=ReviewWhen.choices,
                                   default=ReviewWhen.AFTER_SUBMIT,
                                   help_text=_("When the officer can open the review of their answers."))
    review_marks_when = models.CharField(_("marks shown"), max_length=15, choices=ReviewWhen.choices,
                                         default=ReviewWhen.AFTER_SUBMIT)
    review_correct_when = models.CharField(_("right answers shown"), max_length=15, choices=ReviewWhen.choices,
                                           default=ReviewWhen.AFTER_SUBMIT)
    review_feedback_when = models.CharField(_("feedback shown"), max_length=15, choices=ReviewWhen.choices,
                                            default=ReviewWhen.AFTER_SUBMIT)
    is_published = models.BooleanField(_("published"), default=False)
    lesson = models.OneToOneField("learning.Lesson", verbose_name=_("lesson"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="quiz",
                                  help_text=_("A lesson of kind “quiz” that a pass completes."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self) -> str:
        return self.title


class QuizSlot(models.Model):
    """A place in a quiz: a fixed question, or one drawn at random from a category at start."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveIntegerField()
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.PROTECT, related_name="slots")
    random_category = models.ForeignKey(QuestionCategory, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="random_slots")
    include_subcategories = models.BooleanField(default=False)
    mark = models.DecimalField(_("mark"), max_digits=7, decimal_places=2, default=1)

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(question__isnull=False, random_category__isnull=True)
                           | Q(question__isnull=True, random_category__isnull=False)),
                name="quizzes_slot_fixed_xor_random",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz_id}#{self.position}"


class Override(models.Model):
    """Extra time, extra attempts or a later close date for one officer."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="overrides")
    officer = models.ForeignKey("org.Officer", verbose_name=_("officer"), on_delete=models.CASCADE,
                                related_name="+")
    extra_minutes = models.PositiveIntegerField(_("extra minutes"), default=0)
    extra_attempts = models.PositiveIntegerField(_("extra attempts"), default=0)
    close_at = models.DateTimeField(_("closes for this officer"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quiz", "officer"], name="quizzes_override_unique")]


class AttemptQuerySet(models.QuerySet):
    def finished(self) -> AttemptQuerySet:
        return self.filter(state=Attempt.State.FINISHED)


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        FINISHED = "finished", _("Finished")
        ABANDONED = "abandoned", _("Abandoned")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    officer = models.ForeignKey("org.Officer", on_delete=models.PROTECT, related_name="quiz_attempts")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)  # None: no limit
    finished_at = models.DateTimeField(null=True, blank=True)
    current_index = models.PositiveIntegerField(default=0)  # sequential navigation
    # [{"slot": id, "version": id, "mark": "1.00", "order": [answer ids as shown]}]
    layout = models.JSONField(default=list)
    score = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    max_score = models.DecimalField(max_digits=9, decimal_places=4, default=0)
    percent = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    passed = models.BooleanField(null=True)
    needs_grading = models.BooleanField(default=False)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "officer", "number"], name="quizzes_attempt_number_unique"),
            # Two tabs pressing "Start" at once must not open two attempts.
            models.UniqueConstraint(fields=["quiz", "officer"], condition=Q(state="in_progress"),
                                    name="quizzes_attempt_one_open"),
        ]
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self) -> str:
        return f"{self.quiz_id}/{self.officer_id}#{self.number}"


class AttemptAnswer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    index = models.PositiveIntegerField()  # position in attempt.layout
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    response = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)  # how many saves were stored
    fraction = models.FloatField(null=True, blank=True)
    mark = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    max_mark = models.DecimalField(max_digits=7, decimal_places=2, default=1)
    needs_grading = models.BooleanField(default=False)
    graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    graded_at = models.DateTimeField(null=True, blank=True)
    grader_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["attempt", "index"]
        constraints = [models.UniqueConstraint(fields=["attempt", "index"], name="quizzes_answer_unique")]
        indexes = [models.Index(fields=["needs_grading"], condition=Q(needs_grading=True),
                                name="quizzes_answer_to_grade")]
