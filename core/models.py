from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A sign-in account. Officers link to it one-to-one (org.Officer)."""

    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set for provisioned accounts: the first sign-in leads to the password change page."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ANN003
        raise AppendOnlyError("audit events are append-only")

    def delete(self):
        raise AppendOnlyError("audit events are append-only")


class AuditEvent(models.Model):
    """One line of the append-only audit log: who did what, when and from where."""

    class Action(models.TextChoices):
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        SIGNIN_ADDRESS_LIMITED = "signin_address_limited", _("Many failed sign-ins from one address")
        LOGOUT = "logout", _("Signed out")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        ROLE_CHANGED = "role_changed", _("Roles changed")
        UNIT_CHANGED = "unit_changed", _("Unit changed")
        IMPORT = "import", _("Import")
        GRADE_CHANGED = "grade_changed", _("Mark given by hand")
        CERTIFICATE_REVOKED = "certificate_revoked", _("Certificate revoked")
        STEP_CORRECTED = "step_corrected", _("Case step corrected")
        CALENDAR_CHANGED = "calendar_changed", _("Working-day calendar changed")
        DEADLINE_RULE_CHANGED = "deadline_rule_changed", _("Deadline rule changed")
        OFFICER_DEACTIVATED = "officer_deactivated", _("Officer account deactivated")
        COMPLETION_MARKED = "completion_marked", _("Completion marked by the trainer")
        SIGNATORY_CHANGED = "signatory_changed", _("Certificate signatory changed")
        COURSE_TEAM_CHANGED = "course_team_changed", _("Course co-trainers changed")
        OTHER = "other", _("Other")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        "core.User", verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("by (as typed)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices, db_index=True)
    target = models.CharField(_("object"), max_length=255, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")

    def save(self, *args, **kwargs):  # noqa: ANN002, ANN003
        if self.pk is not None:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003
        raise AppendOnlyError("audit events are append-only")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target}"


class CalendarOverride(models.Model):
    """A change to the working-day calendar announced by the government (see core.calendar)."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Extra day off")
        WORKING_DAY = "working_day", _("Extra working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"


def _calendar_changed(sender, **kwargs):  # noqa: ANN001, ANN003
    from core import calendar

    calendar.invalidate()


# Signals rather than save()/delete() so that admin bulk deletes refresh the calendar too.
models.signals.post_save.connect(_calendar_changed, sender=CalendarOverride, dispatch_uid="calendar-override-save")
models.signals.post_delete.connect(_calendar_changed, sender=CalendarOverride, dispatch_uid="calendar-override-delete")


# Certificate machinery (core.certificates) keeps its models in its own package.
from core.certificates.models import CertificateRegister  # noqa: E402, F401
