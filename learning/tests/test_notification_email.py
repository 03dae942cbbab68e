"""E-mails that work: "new course assigned" is e-mailed, every link is absolute on THADS_SITE_URL, a failed
send is retried by the next run and counted, and the managers' digest opens the report filtered to overdue."""

from __future__ import annotations

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from learning import services
from learning.models import Enrollment, Notification
from learning.tests.factories import due_in, make_course


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages):  # noqa: ANN001, ANN201
        raise ConnectionRefusedError("mail server down")


def test_assigned_course_is_emailed_with_an_absolute_link(world, settings):
    settings.THADS_SITE_URL = "https://thads.example.vn"
    course = make_course()
    services.assignment_create(course=course, unit=world.units["A"], due_date=due_in(10))
    assigned = Notification.objects.filter(kind=Notification.Kind.ASSIGNED)
    assert assigned.exists() and not assigned.filter(emailed_at__isnull=False).exists()
    mail.outbox.clear()
    counts = services.reminders_send()
    recipients = {message.to[0] for message in mail.outbox}
    assert world.officers["officer"].email in recipients
    message = next(item for item in mail.outbox if item.to == [world.officers["officer"].email])
    assert f"https://thads.example.vn/learning/courses/{course.pk}/" in message.body
    assert counts["emailed"] >= 1 and counts["email_failed"] == 0
    assert not assigned.filter(emailed_at__isnull=True).exclude(recipient__email="").exists()
    mail.outbox.clear()
    assert services.reminders_send()["emailed"] == 0 and not mail.outbox  # never twice


def test_a_failed_send_is_retried_by_the_next_run_and_counted(world, settings):
    course = make_course()
    services.assignment_create(course=course, unit=world.units["A"], due_date=due_in(10))
    settings.EMAIL_BACKEND = "learning.tests.test_notification_email.RefusingBackend"
    failed = services.notifications_email_pending()
    assert failed["emailed"] == 0 and failed["email_failed"] >= 1
    notice = Notification.objects.get(recipient=world.user("officer"), kind=Notification.Kind.ASSIGNED)
    assert notice.emailed_at is None and notice.email_attempts == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    retried = services.notifications_email_pending()
    assert retried["emailed"] == failed["email_failed"] and retried["email_failed"] == 0
    notice.refresh_from_db()
    assert notice.emailed_at is not None


def test_digest_link_opens_the_report_filtered_to_overdue(world, client_for):
    late, fine = make_course(code="LATE", title="Khóa trễ hạn"), make_course(code="FINE", title="Khóa đúng hạn")
    services.assignment_create(course=late, unit=world.units["A"], due_date=due_in(1))
    services.assignment_create(course=fine, unit=world.units["A"], due_date=due_in(20))
    Enrollment.objects.filter(course=late).update(due_date=due_in(-3))
    services.enrollment_counts_refresh()
    digest_url = reverse("learning:report") + "?status=overdue"
    table = client_for("unit_manager").get(digest_url).content.decode().split("<tbody", 1)[1]
    assert "Khóa trễ hạn" in table and "Khóa đúng hạn" not in table
    everything = client_for("unit_manager").get(reverse("learning:report")).content.decode().split("<tbody", 1)[1]
    assert "Khóa đúng hạn" in everything
