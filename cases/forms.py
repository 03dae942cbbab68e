from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import StepType
from core.forms import Form, ModelForm
from org.models import Unit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):  # noqa: ANN003
        super().__init__(format="%Y-%m-%d", **kwargs)


class StepRecordForm(Form):
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


class CaseSearchForm(Form):
    q = forms.CharField(label=_("Case number or party name"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("e.g. 123/QĐ or nguyen van a"),
                                                      "autocomplete": "off"}))


class TimelinessFilterForm(Form):
    PERIOD_CHOICES = [("month", _("Calendar month")),
                      ("cumulative", _("Cumulative: start of the working year to the end of the month")),
                      ("year", _("THADS working year"))]
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False)
    month = forms.CharField(label=_("Month"), required=False, widget=forms.TextInput(attrs={"type": "month"}))
    year = forms.IntegerField(label=_("Working year"), required=False, min_value=2000, max_value=2100)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False,
                                  empty_label=_("All my units"))
    officer = forms.ModelChoiceField(label=_("Officer (monthly trend)"), queryset=Unit.objects.none(),
                                     required=False, empty_label=_("All officers"))

    def __init__(self, *args, units=None, officers=None, **kwargs):  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
        if officers is not None:
            self.fields["officer"].queryset = officers

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


class StepImportForm(Form):
    file = forms.FileField(label=_("Excel (.xlsx) or CSV file of steps"))


# --- Settings pages (administrators) -------------------------------------------------------------

class CalendarOverrideForm(ModelForm):
    class Meta:
        from core.models import CalendarOverride

        model = CalendarOverride
        fields = ["date", "kind", "note"]
        widgets = {"date": DateInput()}


class DeadlineRuleForm(ModelForm):
    class Meta:
        from cases.models import DeadlineRule

        model = DeadlineRule
        fields = ["from_step", "to_step", "case_kind", "period", "unit", "effective_from", "article", "is_verified",
                  "is_active"]
        widgets = {"effective_from": DateInput()}

    def clean(self):  # noqa: ANN201
        data = super().clean()
        if data.get("from_step") and data.get("from_step") == data.get("to_step"):
            raise forms.ValidationError(_("The step due must differ from the step that starts the period."))
        return data


class StepTypeForm(ModelForm):
    class Meta:
        model = StepType
        fields = ["name", "order", "on_time_within", "sets_status", "is_active"]


# --- Case creation --------------------------------------------------------------------------------

class CaseCreateForm(Form):
    from cases.models import CaseKind

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), empty_label=None)
    number = forms.CharField(label=_("Case number"), max_length=60)
    intake_date = forms.DateField(label=_("Intake date"), widget=DateInput(), input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices)
    officer = forms.ModelChoiceField(label=_("Enforcement officer"), queryset=Unit.objects.none(), required=False,
                                     empty_label=_("(not assigned yet)"))
    judgment_ref = forms.CharField(label=_("Judgment"), max_length=200, required=False)
    obligation = forms.CharField(label=_("Obligation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    amount_due = forms.DecimalField(label=_("Amount due (VND)"), min_value=0, max_digits=18, decimal_places=0,
                                    initial=0)

    def __init__(self, *args, units=None, officers=None, **kwargs):  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["officer"].queryset = officers

    def clean_number(self):  # noqa: ANN201
        return " ".join(self.cleaned_data["number"].split())

    def clean_intake_date(self):  # noqa: ANN201
        value = self.cleaned_data["intake_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The intake date cannot be in the future."))
        return value

    def clean(self):  # noqa: ANN201
        data = super().clean()
        unit, officer = data.get("unit"), data.get("officer")
        if unit and officer and officer.unit_id != unit.pk:
            self.add_error("officer", _("The officer must work in the case's unit."))
        return data


class PartyForm(Form):
    from cases.models import CaseParty

    role = forms.ChoiceField(label=_("Role"), choices=CaseParty.Role.choices, initial=CaseParty.Role.DEBTOR)
    full_name = forms.CharField(label=_("Name"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)


PartyFormSet = forms.formset_factory(PartyForm, extra=2, min_num=1, validate_min=True, max_num=20)
