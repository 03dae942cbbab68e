from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import StepType
from org.models import Unit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):  # noqa: ANN003
        super().__init__(format="%Y-%m-%d", **kwargs)


class StepRecordForm(forms.Form):
    step_type = forms.ModelChoiceField(label=_("Step"), queryset=StepType.objects.filter(is_active=True),
                                       empty_label=None)
    legal_date = forms.DateField(label=_("Date of the act"), widget=DateInput(),
                                 input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def clean_legal_date(self):  # noqa: ANN201
        value = self.cleaned_data["legal_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date of the act cannot be in the future."))
        return value


class CaseSearchForm(forms.Form):
    q = forms.CharField(label=_("Case number or party name"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("e.g. 123/QĐ or nguyen van a"),
                                                      "autocomplete": "off"}))


class TimelinessFilterForm(forms.Form):
    PERIOD_CHOICES = [("month", _("Calendar month")), ("year", _("THADS working year"))]
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False)
    month = forms.CharField(label=_("Month"), required=False, widget=forms.TextInput(attrs={"type": "month"}))
    year = forms.IntegerField(label=_("Working year"), required=False, min_value=2000, max_value=2100)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False,
                                  empty_label=_("All my units"))

    def __init__(self, *args, units=None, **kwargs):  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units

    def clean_month(self):  # noqa: ANN201
        value = self.cleaned_data["month"]
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.split("-"))
            if not 1 <= month <= 12:
                raise ValueError
        except ValueError:
            raise forms.ValidationError(_("Pick a month.")) from None
        return year, month


class StepImportForm(forms.Form):
    file = forms.FileField(label=_("Excel (.xlsx) or CSV file of steps"))
