"""Adoption nudges: a weekly digest to each unit manager and a reminder to officers who stopped using a
software their position needs. Both go through learning's notifications (in the site and by e-mail);
each has a unique reason, so re-running never sends the same nudge twice."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.auth.models import Group
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, override

from analytics import selectors
from analytics.models import OfficerDayCount
from core.roles import Role
from learning import services as learning_services
from org.models import Officer

KIND = "adoption"  # learning's Notification.kind for these nudges; reason keys start with "adoption:"
INACTIVE_DAYS = 14  # calendar days without an active day in an expected software before a reminder
LOOKBACK_DAYS = 365  # how far back the last active day is looked for
DIGEST_LINES = 30


def _last_active_days(*, officer_ids: list[int], today: dt.date) -> dict[tuple[int, str], dt.date]:
    """(officer, software code) → the last day with activity within LOOKBACK_DAYS (one GROUP BY query)."""
    rows = (OfficerDayCount.objects.filter(officer_id__in=officer_ids, metric__startswith=selectors.ACTIVE_PREFIX,
                                           value__gt=0, day__range=(today - dt.timedelta(days=LOOKBACK_DAYS), today))
            .values("officer_id", "metric").annotate(last=Max("day")).order_by())
    return {(row["officer_id"], row["metric"][len(selectors.ACTIVE_PREFIX):]): row["last"] for row in rows}


def inactive_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind each active officer of every expected software they have not used for INACTIVE_DAYS days.

    The reason is the officer, the software and the last day they used it ("none" if never within the
    look-back), so an officer is reminded once per spell of non-use, not every run. Returns how many
    reminders were sent. The message says why (the position needs it, unused since when)."""
    today = today or timezone.localdate()
    software = selectors.software_catalogue()
    if not software:
        return 0
    officers = list(Officer.objects.filter(is_active=True).select_related("user", "position"))
    last = _last_active_days(officer_ids=[officer.pk for officer in officers], today=today)
    threshold = today - dt.timedelta(days=INACTIVE_DAYS)
    url = reverse("analytics:scorecard")
    sent = 0
    for officer in officers:
        for item in software:
            if not item.expected_of(officer.position_id):
                continue
            last_day = last.get((officer.pk, item.code))
            if last_day is not None and last_day > threshold:
                continue
            with override("vi"):
                if last_day is None:
                    since = _("you have not used it in the last %(days)s days") % {"days": LOOKBACK_DAYS}
                else:
                    since = _("you last used it on %(day)s") % {"day": last_day.strftime("%d/%m/%Y")}
                title = _("Reminder: use %(software)s") % {"software": item.name}
                body = _("Your position (%(position)s) is expected to use %(software)s; %(since)s. "
                         "Ask your unit's IT focal person if something stops you.") % {
                    "position": officer.position.name, "software": item.name, "since": since}
            reason = f"adoption:inactive:{officer.pk}:{item.code}:{last_day.isoformat() if last_day else 'none'}"
            notification = learning_services.notification_send(recipient=officer.user, kind=KIND, reason_key=reason,
                                                               title=title, body=body, url=url)
            sent += notification is not None
    return sent


def manager_digests_send(*, today: dt.date | None = None) -> int:
    """Once per ISO week per unit manager: the dashboard's combined laggard list of their unit subtree
    (overdue case steps, overdue courses, expected software unused for a week), worst first. Returns
    how many digests were sent; a manager with nobody behind gets none."""
    today = today or timezone.localdate()
    group = Group.objects.filter(name=Role.UNIT_MANAGER).first()
    if group is None:
        return 0
    year, week, _weekday = today.isocalendar()
    software = selectors.software_catalogue()
    managers = list(Officer.objects.filter(is_active=True, user__groups=group).select_related("unit", "user"))
    by_path: dict[str, list[selectors.OfficerRef]] = defaultdict(list)
    for path in {manager.unit.path for manager in managers}:
        by_path[path] = selectors.officer_refs(Officer.objects.filter(is_active=True, unit__path__startswith=path)
                                               .select_related("unit", "position"))
    url = reverse("analytics:dashboard") + "#laggards"
    sent = 0
    for manager in managers:
        laggards = selectors.laggards_get(officers=by_path[manager.unit.path], software=software, scores={},
                                          today=today)
        if not laggards:
            continue
        with override("vi"):
            lines = []
            for laggard in laggards[:DIGEST_LINES]:
                parts = []
                if laggard.overdue_steps:
                    parts.append(_("%(n)s overdue case steps") % {"n": laggard.overdue_steps})
                if laggard.overdue_courses:
                    parts.append(_("%(n)s overdue courses") % {"n": laggard.overdue_courses})
                if laggard.inactive_software:
                    parts.append(_("not using %(codes)s") % {"codes": ", ".join(laggard.inactive_software)})
                lines.append(f"- {laggard.name} ({laggard.unit_name}): " + "; ".join(parts))
            if len(laggards) > DIGEST_LINES:
                lines.append("…")
            title = _("%(count)s officers behind in %(unit)s this week") % {"count": len(laggards),
                                                                              "unit": manager.unit.name}
        notification = learning_services.notification_send(
            recipient=manager.user, kind=KIND, reason_key=f"adoption:digest:{manager.user_id}:{year}W{week:02d}",
            title=title, body="\n".join(lines), url=url)
        sent += notification is not None
    return sent


def nudges_send(*, today: dt.date | None = None) -> dict[str, int]:
    """Both kinds of nudge; safe to run daily (each reason is sent once)."""
    return {"reminders": inactive_reminders_send(today=today), "digests": manager_digests_send(today=today)}
