"""Notifications, reminders, manager digests, recertification and following an officer's unit."""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.fragments import panel_cache_bump, panel_cache_bump_all
from core.site import site_url
from core.roles import Role
from learning import counting
from learning.models import Enrollment, Notification
from learning.services.common import DUE_SOON_DAYS, RECERTIFY_LEAD_DAYS
from learning.services.enrollments import assignment_sync_enrollments
from org.models import Officer


logger = logging.getLogger(__name__)


# --- Notifications and reminders ----------------------------------------------------------------

def notification_send(*, recipient, kind: str, reason_key: str, title: str, body: str = "", url: str = "",
                      email: bool = True) -> Notification | None:  # noqa: ANN001
    """Create an in-site notification once per `reason_key` and e-mail it after commit.

    Returns None (and sends nothing) when that reason was already notified.
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.create(recipient=recipient, kind=kind, reason_key=reason_key,
                                                       title=title, body=body, url=url, email_wanted=email)
    except IntegrityError:
        return None
    if email and recipient.email:
        transaction.on_commit(lambda: _email_notification(notification.pk))
    return notification


EMAIL_MAX_ATTEMPTS = 5
EMAIL_RETRY_DAYS = 14  # older unsent notices are stale: not e-mailed any more


def _email_notification(notification_id: int) -> bool:
    """E-mail one notification (its link made absolute on THADS_SITE_URL). True when sent; a failure is
    logged and counted on the notification, and the next periodic run tries again."""
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if notification.emailed_at:
        return False
    body = notification.body
    if notification.url:
        body = f"{body}\n\n{site_url(notification.url)}"
    try:
        send_mail(f"[THADS IT] {notification.title}", body, None, [notification.recipient.email])
    except Exception:  # noqa: BLE001 - the in-site notification stands; the next run retries
        logger.exception("could not e-mail notification %s", notification_id)
        Notification.objects.filter(pk=notification_id).update(email_attempts=F("email_attempts") + 1)
        return False
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now(),
                                                            email_attempts=F("email_attempts") + 1)
    return True


def notifications_email_pending(*, now: dt.datetime | None = None) -> dict[str, int]:
    """E-mail every notification still unsent: those created in bulk (new course assigned) and those whose
    send failed before (up to EMAIL_MAX_ATTEMPTS tries, created within EMAIL_RETRY_DAYS). Recipients without
    an e-mail address and in-site-only notices are left alone. Returns {"emailed": n, "email_failed": n}."""
    now = now or timezone.now()
    pending = (Notification.objects.filter(emailed_at__isnull=True, email_wanted=True,
                                           email_attempts__lt=EMAIL_MAX_ATTEMPTS,
                                           created_at__gte=now - dt.timedelta(days=EMAIL_RETRY_DAYS))
               .exclude(recipient__email="").order_by("pk").values_list("pk", flat=True))
    counts = {"emailed": 0, "email_failed": 0}
    for notification_id in list(pending):
        counts["emailed" if _email_notification(notification_id) else "email_failed"] += 1
    return counts


def notification_mark_read(*, user, notification_id: int | None = None) -> int:  # noqa: ANN001
    """Mark one (or, without id, all) of the user's notifications read; returns how many changed."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    changed = unread.update(read_at=timezone.now())
    if changed:  # the unread count shows on the home panel
        panel_cache_bump(officer_ids=Officer.objects.filter(user=user).values_list("pk", flat=True), panel="learning")
    return changed


def enrollment_recertify_due(*, today: dt.date) -> int:
    """Start a new cycle for completed enrollments whose certificate expires within RECERTIFY_LEAD_DAYS.

    The old enrollment, its progress and certificate stay as history. Returns the number of new cycles.
    """
    horizon = today + dt.timedelta(days=RECERTIFY_LEAD_DAYS)
    due = (Enrollment.objects.current().filter(certificate__valid_until__lte=horizon,
                                               certificate__revoked_at__isnull=True)
           .select_related("certificate", "course", "officer"))
    started = 0
    for enrollment in due:
        with transaction.atomic():
            with counting.tracked([enrollment.pk]):
                Enrollment.objects.filter(pk=enrollment.pk).update(is_current=False)
            new = Enrollment.objects.create(
                course=enrollment.course, officer=enrollment.officer, assignment=enrollment.assignment,
                source=enrollment.source, due_date=enrollment.certificate.valid_until, cycle=enrollment.cycle + 1,
                unit_id=enrollment.officer.unit_id,
            )
            counting.count_created([new.pk])
            notification_send(
                recipient=enrollment.officer.user, kind=Notification.Kind.RECERTIFY,
                reason_key=f"recertify:{new.pk}",
                title=_("Refresher due: %(course)s") % {"course": enrollment.course.title},
                body=_("Your certificate is valid until %(date)s. Please take the course again by then.")
                % {"date": enrollment.certificate.valid_until.strftime("%d/%m/%Y")},
                url=reverse("learning:course-detail", kwargs={"pk": enrollment.course_id}),
            )
            started += 1
    if started:
        panel_cache_bump_all(panel="learning")
    return started


def reminders_send(*, today: dt.date | None = None) -> dict[str, int]:
    """The periodic job: enrol newcomers, start refresher cycles, remind officers, send manager digests, then
    e-mail every notification still unsent (new course assigned; earlier failures — counted as email_failed).

    Safe to run as often as wanted: each reminder has a reason key (enrollment + due date, or manager + week)
    and is sent at most once. Due soon and overdue are judged on each enrollment's own due date (a late
    joiner under a relative due date is not overdue because the assignment's date has passed).
    Returns counts by kind.
    """
    today = today or timezone.localdate()
    counts = {"enrolled": assignment_sync_enrollments(today=today), "recertify": enrollment_recertify_due(today=today),
              "due_soon": 0, "overdue": 0, "digest": 0}
    open_enrollments = (Enrollment.objects.current().filter(completed_at__isnull=True, due_date__isnull=False,
                                                            officer__is_active=True)
                        .select_related("course", "officer__user"))
    soon = open_enrollments.filter(due_date__gte=today, due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
    for enrollment in soon.iterator(chunk_size=1000):
        sent = notification_send(
            recipient=enrollment.officer.user, kind=Notification.Kind.DUE_SOON,
            reason_key=f"due_soon:{enrollment.pk}:{enrollment.due_date:%Y%m%d}",
            title=_("Course due on %(date)s: %(course)s") % {"date": enrollment.due_date.strftime("%d/%m/%Y"),
                                                              "course": enrollment.course.title},
            body=_("You have done %(percent)s%% of it. Continue where you left off.")
            % {"percent": enrollment.progress_percent},
            url=reverse("learning:course-resume", kwargs={"pk": enrollment.course_id}),
        )
        counts["due_soon"] += bool(sent)
    for enrollment in open_enrollments.filter(due_date__lt=today).iterator(chunk_size=1000):
        sent = notification_send(
            recipient=enrollment.officer.user, kind=Notification.Kind.OVERDUE,
            reason_key=f"overdue:{enrollment.pk}:{enrollment.due_date:%Y%m%d}",
            title=_("Course overdue: %(course)s") % {"course": enrollment.course.title},
            body=_("It was due on %(date)s. Please finish it as soon as you can.")
            % {"date": enrollment.due_date.strftime("%d/%m/%Y")},
            url=reverse("learning:course-resume", kwargs={"pk": enrollment.course_id}),
        )
        counts["overdue"] += bool(sent)
    counts["digest"] = manager_digests_send(today=today)
    counts.update(notifications_email_pending())
    panel_cache_bump_all(panel="learning")  # new enrollments and notifications for many officers
    return counts


def manager_digests_send(*, today: dt.date) -> int:
    """Once a week per unit manager: who in their unit subtree is overdue. Returns digests sent."""
    group = Group.objects.filter(name=Role.UNIT_MANAGER).first()
    if group is None:
        return 0
    year, week, _weekday = today.isocalendar()
    managers = Officer.objects.active().filter(user__groups=group).select_related("unit", "user")
    sent = 0
    for manager in managers:
        overdue = list(
            Enrollment.objects.current()
            .filter(completed_at__isnull=True, due_date__lt=today, officer__is_active=True,
                    officer__unit__path__startswith=manager.unit.path)
            .select_related("officer", "course").order_by("due_date", "officer__full_name")[:51]
        )
        if not overdue:
            continue
        lines = [f"- {e.officer.full_name}: {e.course.title} ({e.due_date:%d/%m/%Y})" for e in overdue[:50]]
        if len(overdue) > 50:
            lines.append("…")
        total = Enrollment.objects.current().filter(
            completed_at__isnull=True, due_date__lt=today, officer__is_active=True,
            officer__unit__path__startswith=manager.unit.path).count()
        notification = notification_send(
            recipient=manager.user, kind=Notification.Kind.DIGEST, reason_key=f"digest:{manager.user_id}:{year}W{week}",
            title=_("%(count)s overdue course enrollments in %(unit)s") % {"count": total, "unit": manager.unit.name},
            body="\n".join(lines), url=reverse("learning:report") + "?status=overdue",
        )
        sent += bool(notification)
    if sent:
        panel_cache_bump_all(panel="learning")
    return sent
