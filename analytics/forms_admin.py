"""Forms of the analytics administration pages (catalogue, imports, xAPI, score settings)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from analytics.models import ImportMapping, ScoreSettings, Software, SoftwareAction, XapiMapping


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):  # noqa: ANN003
        super().__init__(format="%Y-%m-%d", **kwargs)


class SoftwareForm(forms.ModelForm):
    class Meta:
        model = Software
        fields = ["code", "name", "description", "order", "is_active", "expected_of_everyone", "expected_positions"]
        widgets = {"expected_positions": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 2})}

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()


class SoftwareActionForm(forms.ModelForm):
    class Meta:
        model = SoftwareAction
        fields = ["code", "name"]

    def __init__(self, *args, software: Software, **kwargs):  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.instance.software = software

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        clash = SoftwareAction.objects.filter(software=self.instance.software, code__iexact=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This software already has an action with this code."))
        return code


class ImportMappingForm(forms.ModelForm):
    class Meta:
        model = ImportMapping
        fields = ["email_header", "username_header", "action_header", "occurred_at_header", "event_id_header"]


class UsageImportForm(forms.Form):
    software = forms.ModelChoiceField(label=_("Software"), queryset=Software.objects.filter(is_active=True),
                                      empty_label=None)
    file = forms.FileField(label=_("Excel (.xlsx) or CSV file of the usage log"))


class UsageImportApplyForm(forms.Form):
    skip_unmatched = forms.BooleanField(label=_("Skip the rows that match no officer"), required=False)


class XapiTokenForm(forms.Form):
    name = forms.CharField(label=_("Source system"), max_length=60)


class XapiMappingForm(forms.ModelForm):
    class Meta:
        model = XapiMapping
        fields = ["verb_iri", "activity_iri", "action"]

    def __init__(self, *args, **kwargs):  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = SoftwareAction.objects.select_related("software").filter(
            software__is_active=True)


class ScoreSettingsForm(forms.ModelForm):
    class Meta:
        model = ScoreSettings
        fields = ["effective_from", "weight_activity", "weight_breadth", "weight_timeliness", "weight_training",
                  "weight_skills", "stage_beginner_from", "stage_regular_from", "stage_proficient_from"]
        widgets = {"effective_from": DateInput()}

    def validate_unique(self) -> None:
        """Saving settings for a date that has some replaces them (the service does it)."""
