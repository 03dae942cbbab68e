"""Small display filters for learning pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(seconds: int | None) -> str:
    """Seconds as reading time: "—", "< 1 min", "12 min", "1 h 05 min"."""
    seconds = int(seconds or 0)
    if seconds <= 0:
        return "—"
    minutes = seconds // 60
    if minutes < 1:
        return _("< 1 min")
    if minutes < 60:
        return _("%(minutes)s min") % {"minutes": minutes}
    return _("%(hours)s h %(minutes)02d min") % {"hours": minutes // 60, "minutes": minutes % 60}
