"""Certificates: issue and revoke."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.certificates.services import certificate_number_next
from learning.models import Certificate, Enrollment, Notification
from learning.services.common import LearningError
from learning.services.notifications import notification_send
from org.selectors import certificate_issuer_for_unit


# --- Certificates -------------------------------------------------------------------------------

def _add_months(day: dt.date, months: int) -> dt.date:
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def certificate_issue(*, enrollment: Enrollment) -> Certificate:
    """The certificate of a completed enrollment (created once; later calls return it).

    Takes the next number of the issuing agency's register for the year (core.certificates), and stores
    the holder's unit and the issuing agency with its signer as they are today (org.selectors.
    certificate_issuer_for_unit). Notifies the holder.
    """
    existing = Certificate.objects.filter(enrollment=enrollment).first()
    if existing:
        return existing
    if enrollment.completed_at is None:
        raise LearningError(_("The course is not completed yet."))
    officer = enrollment.officer
    issued_on = timezone.localdate(enrollment.completed_at)
    months = enrollment.assignment.recertify_months if enrollment.assignment_id else None
    issuer = certificate_issuer_for_unit(unit=officer.unit)
    number = certificate_number_next(issuer_key=issuer.key, series=Certificate.SERIES, year=issued_on.year)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    enrollment=enrollment, officer=officer, course=enrollment.course, officer_name=officer.full_name,
                    course_title=enrollment.course.title, issued_on=issued_on,
                    valid_until=_add_months(issued_on, months) if months else None,
                    number=number, holder_unit_name=officer.unit.name, **issuer.model_fields(),
                )
            break
        except IntegrityError:  # a verification code clash: draw another
            if Certificate.objects.filter(enrollment=enrollment).exists():
                return Certificate.objects.get(enrollment=enrollment)
    else:
        raise LearningError("could not draw a unique verification code")
    notification_send(
        recipient=officer.user, kind=Notification.Kind.CERTIFICATE, reason_key=f"certificate:{certificate.pk}",
        title=_("Certificate issued: %(course)s") % {"course": certificate.course_title},
        body=_("Congratulations! You completed the course. Your verification code is %(code)s.")
        % {"code": certificate.code},
        url=reverse("learning:certificate-pdf", kwargs={"code": certificate.code}),
    )
    return certificate


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate and notify its holder (in the site and by e-mail). The public verification page
    then shows it as revoked and its PDF is stamped "ĐÃ THU HỒI". Revoking twice changes nothing."""
    if certificate.revoked_at is not None:
        return certificate
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason.strip()[:200]
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    notification_send(
        recipient=certificate.officer.user, kind=Notification.Kind.CERTIFICATE,
        reason_key=f"certificate-revoked:{certificate.pk}",
        title=_("Certificate revoked: %(course)s") % {"course": certificate.course_title},
        body=_("Your certificate %(number)s (code %(code)s) was revoked. Reason: %(reason)s")
        % {"number": certificate.number or certificate.code, "code": certificate.code,
           "reason": certificate.revoked_reason},
        url=reverse("learning:certificate-verify", kwargs={"code": certificate.code}),
    )
    return certificate
