"""Input of the contests pages. Rules across fields live in the services (ContestError)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from contests.models import Contest, Round, RoundFormat
from core.forms import Form, ModelForm
from org.models import Officer, Position, Unit
from quizzes.models import Quiz


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None) -> None:  # noqa: ANN001
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ContestForm(ModelForm):
    class Meta:
        model = Contest
        fields = ["title", "description", "audience_unit", "audience_positions", "allow_individual", "allow_teams",
                  "team_min_size", "team_max_size", "registration_opens_at", "registration_closes_at",
                  "awards_first", "awards_second", "awards_third", "awards_merit"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}),
                   "registration_opens_at": DateTimeInput(), "registration_closes_at": DateTimeInput(),
                   "audience_positions": forms.CheckboxSelectMultiple()}
        help_texts = {"audience_unit": _("Leave empty for officers of every unit."),
                      "audience_positions": _("None ticked: every position.")}

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["audience_unit"].queryset = Unit.objects.filter(is_active=True).order_by("path")
        self.fields["audience_positions"].queryset = Position.objects.all()
        self.fields["audience_positions"].required = False

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        values["audience_positions"] = list(values.get("audience_positions") or [])
        return values


class RoundForm(Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    format = forms.ChoiceField(label=_("Format"), choices=RoundFormat.choices)
    weight = forms.DecimalField(label=_("Weight"), min_value=0, max_digits=5, decimal_places=2, initial=1)
    quiz = forms.ModelChoiceField(label=_("Quiz"), queryset=Quiz.objects.none(), required=False,
                                  help_text=_("Online and live rounds: an unpublished quiz of the bank."))
    opens_at = forms.DateTimeField(label=_("Opens"), required=False, widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes"), required=False, widget=DateTimeInput())
    freeze_minutes = forms.IntegerField(label=_("Freeze the scoreboard for the last (minutes)"), min_value=0,
                                        required=False, initial=0,
                                        help_text=_("Online rounds: contestants see the board as it stood when the "
                                                    "freeze began, until the round closes."))
    aggregate = forms.ChoiceField(label=_("Judges' scores"), required=False, choices=[
        ("mean", _("Mean of the judges")), ("trimmed", _("Mean without the highest and the lowest"))])

    def __init__(self, *args, round_: Round | None = None, **kwargs) -> None:  # noqa: ANN002, ANN003
        if round_ is not None and "initial" not in kwargs:
            kwargs["initial"] = {"title": round_.title, "format": round_.format, "weight": round_.weight,
                                 "quiz": round_.quiz_id, "opens_at": round_.opens_at, "closes_at": round_.closes_at,
                                 **(round_.options or {})}
        super().__init__(*args, **kwargs)
        self.fields["quiz"].queryset = Quiz.objects.order_by("title")

    def options(self) -> dict | None:
        """The options this form sets; None (keep the round's) for a format whose options it does not show."""
        data = self.cleaned_data
        if data["format"] == RoundFormat.ONLINE:
            return {"freeze_minutes": data.get("freeze_minutes") or 0}
        if data["format"] == RoundFormat.JUDGED:
            return {"aggregate": data.get("aggregate") or "mean"}
        return None


class TeamForm(Form):
    members = forms.ModelMultipleChoiceField(label=_("Team members"), queryset=Officer.objects.none(),
                                             widget=forms.CheckboxSelectMultiple())

    def __init__(self, *args, candidates=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = candidates if candidates is not None else Officer.objects.none()
        self.fields["members"].label_from_instance = lambda officer: f"{officer.full_name} — {officer.position.name}"


class TaskForm(Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CriterionForm(Form):
    task = forms.IntegerField(widget=forms.HiddenInput())
    title = forms.CharField(label=_("Criterion"), max_length=200)
    max_points = forms.DecimalField(label=_("Maximum points"), min_value=0, max_digits=6, decimal_places=2)


class AssignJudgeForm(Form):
    judge = forms.ModelChoiceField(label=_("Judge"), queryset=None)
    registrations = forms.MultipleChoiceField(label=_("Entries"), widget=forms.CheckboxSelectMultiple())

    def __init__(self, *args, judges=None, entries=(), **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["judge"].queryset = judges
        self.fields["judge"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["registrations"].choices = list(entries)


class AmendForm(Form):
    criterion = forms.IntegerField(widget=forms.HiddenInput())
    points = forms.CharField(label=_("Points"), max_length=20)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)
    reason = forms.CharField(label=_("Reason for the change"), max_length=500)
