"""Live final tables: a host-paced session of a live round, its participants and their answers.

Everything a live round needs to carry on lives here, in the database: a second server process, or
a restarted one, reads the phase, the current question and its clock from `LiveSession`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LivePhase(models.TextChoices):
    LOBBY = "lobby", _("Lobby")
    READING = "reading", _("Reading the question")
    ANSWERING = "answering", _("Answering")
    REVEAL = "reveal", _("Answer revealed")
    LEADERBOARD = "leaderboard", _("Leaderboard")
    FINISHED = "finished", _("Ended")


class LiveSession(models.Model):
    """One sitting of a live round. `questions` and `options` are snapshots taken when the lobby
    opens (question texts, choices and right answers; read time, countdown, base points, streak
    bonus), so editing the bank or the round afterwards never changes a running final.

    The stored phase after "next" is READING; it becomes ANSWERING by the clock alone when
    `opened_at` passes (see `phase_at`), so no process has to be awake to switch it.
    """

    round = models.ForeignKey("contests.Round", on_delete=models.CASCADE, related_name="live_sessions")
    pin = models.CharField(_("PIN"), max_length=6)
    phase = models.CharField(_("phase"), max_length=12, choices=LivePhase.choices, default=LivePhase.LOBBY)
    question_index = models.IntegerField(default=-1)  # -1 before the first question
    shown_at = models.DateTimeField(null=True, blank=True)  # the current question appeared
    opened_at = models.DateTimeField(null=True, blank=True)  # answers accepted from here...
    closes_at = models.DateTimeField(null=True, blank=True)  # ...until here (exclusive)
    options = models.JSONField(default=dict)
    questions = models.JSONField(default=list)
    host = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["pin"], condition=~Q(phase="finished"), name="contests_live_pin_unique_open"),
            models.UniqueConstraint(fields=["round"], condition=~Q(phase="finished"), name="contests_live_one_open_per_round"),
        ]
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")

    def __str__(self) -> str:
        return f"{self.round} · {self.pin}"

    def phase_at(self, now) -> str:  # noqa: ANN001
        """The phase as the clock sees it: READING turns into ANSWERING once `opened_at` passes."""
        if self.phase == LivePhase.READING and self.opened_at is not None and now >= self.opened_at:
            return LivePhase.ANSWERING
        return self.phase


class LiveParticipant(models.Model):
    """A registered officer who joined a session; `unit` is the team's unit for a team entry, else
    the officer's own unit (unit standings group by it)."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="participants")
    officer = models.ForeignKey("org.Officer", on_delete=models.PROTECT, related_name="+")
    registration = models.ForeignKey("contests.Registration", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    display_name = models.CharField(max_length=150)
    joined_at = models.DateTimeField()
    score = models.IntegerField(default=0)
    streak = models.IntegerField(default=0)  # consecutive right answers up to the last closed question
    last_streak_index = models.IntegerField(default=-1)  # question that last changed `streak`

    class Meta:
        ordering = ["-score", "joined_at"]
        constraints = [models.UniqueConstraint(fields=["session", "officer"], name="contests_live_participant_unique")]
        verbose_name = _("live participant")
        verbose_name_plural = _("live participants")

    def __str__(self) -> str:
        return self.display_name


class LiveAnswer(models.Model):
    """One answer per participant and question; `received_at` is the server's clock on receipt."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="answers")
    participant = models.ForeignKey(LiveParticipant, on_delete=models.CASCADE, related_name="answers")
    question_index = models.PositiveIntegerField()
    response = models.JSONField()
    received_at = models.DateTimeField()
    elapsed_ms = models.PositiveIntegerField()
    fraction = models.FloatField(default=0)
    is_right = models.BooleanField(default=False)
    points = models.IntegerField(default=0)  # speed points + streak bonus

    class Meta:
        ordering = ["question_index", "received_at"]
        constraints = [models.UniqueConstraint(fields=["participant", "question_index"],
                                               name="contests_live_answer_unique")]
        indexes = [models.Index(fields=["session", "question_index"])]
        verbose_name = _("live answer")
        verbose_name_plural = _("live answers")
