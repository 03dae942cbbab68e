"""Judged practical rounds: tasks with rubric criteria, judges assigned to entries, their scores."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Task(models.Model):
    """A practical task of a judged round, e.g. "ký số một văn bản và gửi vào hộp thư công vụ"."""

    round = models.ForeignKey("contests.Round", on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["round", "order", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    """A rubric line of a task, scored from 0 to `max_points`."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("criterion"), max_length=200)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["task", "order", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(max_points__gt=0),
                                              name="contest_criterion_max_positive")]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.title


class JudgeAssignment(models.Model):
    """A judge's score sheet for one entry of a judged round.

    `own_unit` is set when the judge works in the entry's unit: such a judge may score only once the
    organiser sets `own_unit_allowed`. A sheet with `submitted_at` is locked for the judge.
    """

    round = models.ForeignKey("contests.Round", on_delete=models.CASCADE, related_name="judge_assignments")
    registration = models.ForeignKey("contests.Registration", on_delete=models.CASCADE,
                                     related_name="judge_assignments")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("judge"), on_delete=models.PROTECT,
                              related_name="contest_judgings")
    own_unit = models.BooleanField(_("judge from the entry's unit"), default=False)
    own_unit_allowed = models.BooleanField(_("allowed to score own unit"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "registration", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "registration", "judge"],
                                               name="contest_judge_assignment_unique")]
        verbose_name = _("judge assignment")
        verbose_name_plural = _("judge assignments")

    @property
    def may_score(self) -> bool:
        return not self.own_unit or self.own_unit_allowed


class JudgeScore(models.Model):
    """One judge's points and comment for one criterion of one entry."""

    assignment = models.ForeignKey(JudgeAssignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assignment", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="contest_judge_score_unique"),
            models.CheckConstraint(condition=models.Q(points__gte=0), name="contest_judge_score_not_negative"),
        ]
        verbose_name = _("judge's score")
        verbose_name_plural = _("judges' scores")
