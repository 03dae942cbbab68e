from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import Form, ModelForm
from org.models import Officer, Unit
from quizzes.models import QuestionCategory, QuestionType, QuestionVersion, Quiz, ReviewWhen, TextFormat
from quizzes.question_types import question_type_for

MAX_IMPORT_BYTES = 2 * 1024 * 1024


def _category_field(required: bool = True, empty_label: Any = None) -> forms.ModelChoiceField:  # noqa: ANN401
    field = forms.ModelChoiceField(label=_("Category"), queryset=QuestionCategory.objects.none(),
                                   required=required, empty_label=empty_label)
    return field


def _with_tree(field: forms.ModelChoiceField, categories: list[QuestionCategory]) -> None:
    """Offer the categories in tree order, indented by depth."""
    field.queryset = QuestionCategory.objects.all()
    choices = [("", field.empty_label)] if field.empty_label is not None else []
    if not field.required and field.empty_label is None:
        choices = [("", "---------")]
    field.choices = choices + [(c.pk, "\u2003" * getattr(c, "depth", 0) + c.name) for c in categories]


class CategoryForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    parent = _category_field(required=False, empty_label=_("(top level)"))
    parent.label = _("Parent category")

    def __init__(self, *args, categories: list[QuestionCategory], **kwargs):  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        _with_tree(self.fields["parent"], categories)


class QuestionFilterForm(Form):
    q = forms.CharField(label=_("Words"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    category = _category_field(required=False, empty_label=_("All categories"))
    qtype = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All types")), *QuestionType.choices])
    tag = forms.CharField(label=_("Tag"), required=False, widget=forms.TextInput(attrs={"placeholder": "IU03"}))

    def __init__(self, *args, categories: list[QuestionCategory], **kwargs):  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        _with_tree(self.fields["category"], categories)


class QuestionForm(Form):
    """One form for every type; answer rows and pairs are numbered fields, blank rows are ignored."""

    category = _category_field()
    title = forms.CharField(label=_("Title"), max_length=255)
    text = forms.CharField(label=_("Question text"), widget=forms.Textarea(attrs={"rows": 4}))
    text_format = forms.ChoiceField(label=_("Text format"), choices=TextFormat.choices, initial=TextFormat.MOODLE)
    default_mark = forms.DecimalField(label=_("Default mark"), min_value=0, max_digits=7, decimal_places=2,
                                      initial=1)
    general_feedback = forms.CharField(label=_("General feedback"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    tags = forms.CharField(label=_("Tags (comma separated, e.g. IU03, IU04)"), required=False)

    def __init__(self, *args, qtype: str, categories: list[QuestionCategory],  # noqa: ANN002, ANN003
                 version: QuestionVersion | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.qtype = qtype
        _with_tree(self.fields["category"], categories)
        data = (version.data if version else {}) or {}
        self.answer_rows: list[list[str]] = []  # field names of each answer row (question_types.editing)
        self.pair_rows: list[list[str]] = []
        self.kind = question_type_for(qtype)
        self.kind.form_fields_add(self, data=data)
        if version and data.get("stem_after"):
            self.fields["stem_after"] = forms.CharField(label=_("Text after the blank"), required=False,
                                                        initial=data["stem_after"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        data: dict[str, Any] = {}
        if cleaned.get("stem_after"):
            data["stem_after"] = cleaned["stem_after"]
        data.update(self.kind.form_data(self, cleaned))
        cleaned["data"] = data
        cleaned["tag_list"] = [t.strip() for t in (cleaned.get("tags") or "").split(",") if t.strip()]
        return cleaned


class ImportForm(Form):
    file = forms.FileField(label=_("GIFT or Aiken file (.txt, .gift)"))
    file_format = forms.ChoiceField(label=_("Format"), choices=[("gift", "GIFT"), ("aiken", "Aiken")])
    category = _category_field()
    strict = forms.BooleanField(label=_("Import nothing if any question has an error"), required=False,
                                initial=True)

    def __init__(self, *args, categories: list[QuestionCategory], **kwargs):  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        _with_tree(self.fields["category"], categories)

    def clean_file(self):  # noqa: ANN201
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class QuizForm(ModelForm):
    class Meta:
        model = Quiz
        fields = ["title", "description", "audience", "open_at", "close_at", "time_limit_minutes",
                  "attempts_allowed", "grading_method", "pass_mark", "shuffle_questions", "shuffle_answers",
                  "navigation", "review_when", "review_marks_when", "review_correct_when", "review_feedback_when", "lesson",
                  "is_published"]
        widgets = {"open_at": DateTimeInput(), "close_at": DateTimeInput(),
                   "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        for name in ("open_at", "close_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
        self.fields["audience"].queryset = Unit.objects.filter(is_active=True)
        self.fields["audience"].label_from_instance = lambda unit: "\u2003" * unit.depth + unit.name
        from learning.models import Lesson

        lessons = Lesson.objects.filter(kind=Lesson.Kind.QUIZ, is_archived=False).select_related("course")
        self.fields["lesson"].queryset = lessons
        self.fields["lesson"].label_from_instance = lambda lesson: f"{lesson.course} · {lesson.title}"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("open_at") and cleaned.get("close_at") and cleaned["close_at"] <= cleaned["open_at"]:
            self.add_error("close_at", _("The quiz must close after it opens."))
        if not cleaned.get("close_at") and "close_at" not in self.errors:
            for name in ("review_when", "review_marks_when", "review_correct_when", "review_feedback_when"):
                if cleaned.get(name) == ReviewWhen.AFTER_CLOSE:
                    self.add_error(name, _("Set a closing date, or this will never be shown."))
        pass_mark = cleaned.get("pass_mark")
        if pass_mark is not None and not 0 <= pass_mark <= 100:
            self.add_error("pass_mark", _("Give a percentage from 0 to 100."))
        return cleaned


class SlotFixedForm(Form):
    question = forms.IntegerField(label=_("Question number (#)"), min_value=1)
    mark = forms.DecimalField(label=_("Mark"), min_value=0, max_digits=7, decimal_places=2, required=False)


class SlotMarkForm(Form):
    mark = forms.DecimalField(label=_("Mark"), max_digits=7, decimal_places=2)  # the range is the service's rule


class SlotRandomForm(Form):
    category = _category_field()
    count = forms.IntegerField(label=_("How many random questions"), min_value=1, max_value=100, initial=5)
    include_subcategories = forms.BooleanField(label=_("Include sub-categories"), required=False)
    mark = forms.DecimalField(label=_("Mark of each"), min_value=0, max_digits=7, decimal_places=2, initial=1)

    def __init__(self, *args, categories: list[QuestionCategory], **kwargs):  # noqa: ANN002, ANN003
        super().__init__(*args, prefix="random", **kwargs)
        _with_tree(self.fields["category"], categories)


class OverrideForm(Form):
    officer = forms.ModelChoiceField(label=_("Officer"), queryset=Officer.objects.none())
    extra_minutes = forms.IntegerField(label=_("Extra minutes"), min_value=0, initial=0)
    extra_attempts = forms.IntegerField(label=_("Extra attempts"), min_value=0, initial=0)
    close_at = forms.DateTimeField(label=_("Closes for this officer"), required=False, widget=DateTimeInput(),
                                   input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])

    def __init__(self, *args, officers, **kwargs):  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, prefix="override", **kwargs)
        self.fields["officer"].queryset = officers
        self.fields["officer"].label_from_instance = lambda o: f"{o.full_name} ({o.unit.name})"


class GradeForm(Form):
    mark = forms.DecimalField(label=_("Mark"), min_value=0, max_digits=9, decimal_places=4)
    comment = forms.CharField(label=_("Comment for the officer"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
