"""Contests: a contest, its rounds (online / live / judged, see `contests.formats`) and registrations.

Live-round and judging tables live in their own modules and are imported at the bottom so that
Django finds them as models of this app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.certificates.models import IssuedCertificate


class Contest(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Who may enter: officers of this unit subtree (empty = every unit) holding one of these
    # positions (none chosen = every position).
    audience_unit = models.ForeignKey("org.Unit", verbose_name=_("open to officers of"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    audience_positions = models.ManyToManyField("org.Position", verbose_name=_("positions"), blank=True,
                                                related_name="+")
    allow_individual = models.BooleanField(_("individual entry"), default=True)
    allow_teams = models.BooleanField(_("unit-team entry"), default=False)
    team_min_size = models.PositiveSmallIntegerField(_("team size from"), default=1)
    team_max_size = models.PositiveSmallIntegerField(_("team size up to"), default=5)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    results_published_at = models.DateTimeField(_("results published"), null=True, blank=True)
    # How many entries get each award, by overall rank (Nhất, Nhì, Ba, Khuyến khích).
    awards_first = models.PositiveSmallIntegerField(_("first prizes"), default=1)
    awards_second = models.PositiveSmallIntegerField(_("second prizes"), default=2)
    awards_third = models.PositiveSmallIntegerField(_("third prizes"), default=3)
    awards_merit = models.PositiveSmallIntegerField(_("consolation prizes"), default=4)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("contest")
        verbose_name_plural = _("contests")

    def __str__(self) -> str:
        return self.title


class RoundFormat(models.TextChoices):
    ONLINE = "online", _("Online qualifying round")
    LIVE = "live", _("Live final")
    JUDGED = "judged", _("Judged practical round")


class Round(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rounds")
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200)
    format = models.CharField(_("format"), max_length=10, choices=RoundFormat.choices)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1)
    # Online and live rounds take their questions from a quiz of the bank.
    quiz = models.ForeignKey("quizzes.Quiz", verbose_name=_("quiz"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="contest_rounds")
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    # Format-specific options, read and validated by the round's format class.
    options = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["contest", "order"]
        constraints = [models.UniqueConstraint(fields=["contest", "order"], name="contest_round_order_unique")]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")

    def __str__(self) -> str:
        return f"{self.contest} — {self.title}"


class RegistrationKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    TEAM = "team", _("Unit team")


class Registration(models.Model):
    """An individual entry (`officer`) or a unit team (`team_unit` with `members`)."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="registrations")
    kind = models.CharField(_("entry"), max_length=10, choices=RegistrationKind.choices)
    officer = models.ForeignKey("org.Officer", verbose_name=_("officer"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="contest_registrations")
    team_unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="contest_teams")
    members = models.ManyToManyField("org.Officer", verbose_name=_("team members"), blank=True,
                                     related_name="contest_teams")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                      related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "officer"], condition=Q(officer__isnull=False),
                                    name="contest_registration_officer_unique"),
            models.UniqueConstraint(fields=["contest", "team_unit"], condition=Q(team_unit__isnull=False),
                                    name="contest_registration_team_unique"),
            models.CheckConstraint(
                condition=(Q(kind="individual", officer__isnull=False, team_unit__isnull=True)
                           | Q(kind="team", officer__isnull=True, team_unit__isnull=False)),
                name="contest_registration_kind_matches",
            ),
        ]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")


class AwardLevel(models.TextChoices):
    FIRST = "first", _("First prize")
    SECOND = "second", _("Second prize")
    THIRD = "third", _("Third prize")
    MERIT = "merit", _("Consolation prize")


class Award(IssuedCertificate):
    """A prize given to an entry at its overall rank, printed as a certificate (core.certificates):
    `code` is the public verification code, `number` its line in the issuing agency's register."""

    SERIES = "GT"  # the register series of award certificates ("003/2027/GT")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="awards")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="awards")
    level = models.CharField(_("award"), max_length=10, choices=AwardLevel.choices)
    rank = models.PositiveIntegerField(_("rank"))
    points = models.DecimalField(_("points"), max_digits=9, decimal_places=3)
    holder_name = models.CharField(_("awarded to"), max_length=255)
    unit_name = models.CharField(_("unit"), max_length=255, blank=True)
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contest", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["contest", "registration"], name="contest_award_unique")]
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return f"{self.holder_name} — {self.get_level_display()}"


from contests.models_judging import Criterion, JudgeAssignment, JudgeScore, Task  # noqa: E402, F401
from contests.models_live import LiveAnswer, LiveParticipant, LivePhase, LiveSession  # noqa: E402, F401
