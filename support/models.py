"""IT focal persons, help requests with their replies, and the how-to library."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FocalKind(models.TextChoices):
    MAIN = "main", _("Main focal person")
    DEPUTY = "deputy", _("Deputy focal person")


class FocalPerson(models.Model):
    """The IT focal person (cán bộ đầu mối CNTT) of a unit: at most one main and one deputy."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="focal_persons")
    officer = models.ForeignKey("org.Officer", verbose_name=_("officer"), on_delete=models.CASCADE,
                                related_name="focal_roles")
    kind = models.CharField(_("kind"), max_length=10, choices=FocalKind.choices, default=FocalKind.MAIN)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__path", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind"], name="support_focal_one_per_kind"),
            models.UniqueConstraint(fields=["unit", "officer"], name="support_focal_officer_once"),
        ]
        verbose_name = _("IT focal person")
        verbose_name_plural = _("IT focal persons")


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("Being handled")
    WAITING = "waiting", _("Waiting for the officer")
    DONE = "done", _("Done")


class HelpRequest(models.Model):
    """A request for IT help. It belongs to the requester's unit at the time it was made, so it
    stays with that unit's focal persons, whoever they are later."""

    requester = models.ForeignKey("org.Officer", verbose_name=_("officer"), on_delete=models.PROTECT,
                                  related_name="help_requests")
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="help_requests")
    # The catalogue lives in analytics' table; support keeps only the foreign key.
    software = models.ForeignKey("analytics.Software", verbose_name=_("software"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("what went wrong (short)"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    page_url = models.CharField(_("page it was asked from"), max_length=500, blank=True)
    attachment = models.FileField(_("screenshot or file"), upload_to="support/%Y/%m/", blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.NEW)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    due_at = models.DateTimeField(_("answer due"))
    first_answered_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.CharField(_("comment on the answer"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                                   name="support_rating_1_to_5"),
        ]
        indexes = [models.Index(fields=["status", "due_at"])]
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")

    def __str__(self) -> str:
        return self.subject


class HelpReply(models.Model):
    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("reply"))
    article = models.ForeignKey("Article", verbose_name=_("how-to article"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


class Article(models.Model):
    """A short how-to ("Ký số văn bản bằng USB token") in Markdown, found by accent-free search."""

    title = models.CharField(_("title"), max_length=200)
    software = models.ForeignKey("analytics.Software", verbose_name=_("software"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("text (Markdown)"))
    search_text = models.TextField(editable=False, default="")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    source_reply = models.ForeignKey(HelpReply, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_published = models.BooleanField(_("published"), default=True)
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("how-to article")
        verbose_name_plural = _("how-to articles")

    def __str__(self) -> str:
        return self.title


class ArticleImage(models.Model):
    """A picture uploaded into an article (a screenshot of a step), served to whoever may read it."""

    article = models.ForeignKey(Article, verbose_name=_("how-to article"), on_delete=models.CASCADE,
                                related_name="images")
    image = models.FileField(_("picture"), upload_to="support/articles/%Y/%m/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("article picture")
        verbose_name_plural = _("article pictures")


class ArticleVote(models.Model):
    """One "did this help?" answer per person and article (changing it moves the counts)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    helpful = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="support_vote_once")]


class ActionKind(models.TextChoices):
    ASSIGN_COURSE = "assign_course", _("Assign a course")
    BOOK_SESSION = "book_session", _("Book a 30-minute session")
    SEND_ARTICLE = "send_article", _("Send a how-to article")
    OTHER = "other", _("Other help")


class FocalAction(models.Model):
    """Something a focal person did for an officer, so next week's list shows whether it helped."""

    officer = models.ForeignKey("org.Officer", on_delete=models.CASCADE, related_name="focal_actions")
    kind = models.CharField(_("action"), max_length=20, choices=ActionKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What the weekly list showed for the officer when the action was taken, to compare next week.
    before = models.JSONField(default=dict, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
