"""Input parsing for the adoption pages' filters (period, month, unit, drill-down selections)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import Form

PERIOD_CHOICES = [
    ("month", _("Calendar month")),
    ("cumulative", _("Working year to date (cumulative)")),
    ("year", _("Whole working year")),
]
SORT_CHOICES = [
    ("total", _("Score")),
    ("activity", _("Activity")),
    ("breadth", _("Breadth")),
    ("timeliness", _("Timeliness")),
    ("training", _("Training")),
    ("skills", _("Skills")),
]


def parse_month(value: str | None, default: dt.date | None = None) -> dt.date:
    """'YYYY-MM' → the first day of that month; anything else → the default (this month)."""
    default = default or timezone.localdate().replace(day=1)
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return dt.date(year, month, 1)
    except (TypeError, ValueError):
        return default


class MonthField(forms.CharField):
    widget = forms.DateInput(attrs={"type": "month"})

    def to_python(self, value):  # noqa: ANN001, ANN201
        value = super().to_python(value)
        if not value:
            return None
        marker = dt.date(1900, 1, 1)
        month = parse_month(value, default=marker)
        if month == marker:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."), code="invalid")
        if month > timezone.localdate():
            raise forms.ValidationError(_("The month cannot be in the future."), code="future")
        return month


class DashboardFilterForm(Form):
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False)
    month = MonthField(label=_("Month"), required=False)
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, units=(), **kwargs):  # noqa: ANN001, ANN002, ANN003
        kwargs.setdefault("initial", {"period": "cumulative",
                                      "month": timezone.localdate().strftime("%Y-%m")})
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All my units"))] + [
            (unit.pk, ("· " * unit.depth) + unit.name) for unit in units]

    def values(self) -> dict:
        """The filter to apply: the valid fields, defaults for the rest (cumulative to this month)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {"period": data.get("period") or "cumulative",
                "month": data.get("month") or timezone.localdate().replace(day=1),
                "unit": data.get("unit")}


class ProvinceFilterForm(Form):
    month = MonthField(label=_("Month"), required=False)
    sort = forms.ChoiceField(label=_("Rank by"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, **kwargs):  # noqa: ANN002, ANN003
        kwargs.setdefault("initial", {"month": timezone.localdate().strftime("%Y-%m")})
        super().__init__(*args, **kwargs)

    def values(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"month": data.get("month") or timezone.localdate().replace(day=1),
                "sort": data.get("sort") or "total"}
