from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import Form, ModelForm
from org.models import Officer, Unit
from quizzes.bank import FRACTION_CHOICES
from quizzes.models import QuestionCategory, QuestionType, QuestionVersion, Quiz, ReviewWhen, TextFormat

MAX_IMPORT_BYTES = 2 * 1024 * 1024


def _fraction_label(value: str) -> str:
    percent = Decimal(value) * 100
    return f"{percent.normalize():f}%" if percent != 0 else _("0% (wrong)")


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
        self.answer_rows: list[list[str]] = []
        self.pair_rows: list[list[str]] = []
        if qtype == QuestionType.MULTICHOICE:
            self.fields["single"] = forms.BooleanField(label=_("Only one answer may be chosen"), required=False,
                                                       initial=data.get("single", True))
            self.fields["shuffle"] = forms.BooleanField(label=_("Shuffle the choices"), required=False,
                                                        initial=data.get("shuffle", True))
        if qtype == QuestionType.TRUEFALSE:
            self.fields["correct"] = forms.TypedChoiceField(
                label=_("The statement is"), choices=[("true", _("True")), ("false", _("False"))],
                coerce=lambda v: v == "true", widget=forms.RadioSelect,
                initial="true" if data.get("correct", True) else "false")
            self.fields["feedback_true"] = forms.CharField(label=_("Feedback for the answer “true”"),
                                                           required=False, initial=data.get("feedback_true", ""))
            self.fields["feedback_false"] = forms.CharField(label=_("Feedback for the answer “false”"),
                                                            required=False, initial=data.get("feedback_false", ""))
        if qtype == QuestionType.SHORTANSWER:
            self.fields["accent_insensitive"] = forms.BooleanField(
                label=_("Accept answers typed without Vietnamese accents"), required=False,
                initial=data.get("accent_insensitive", False))
            self.fields["case_sensitive"] = forms.BooleanField(label=_("Case matters"), required=False,
                                                               initial=data.get("case_sensitive", False))
        if qtype in (QuestionType.MULTICHOICE, QuestionType.SHORTANSWER, QuestionType.NUMERICAL):
            answers = data.get("answers", [])
            for i in range(max(len(answers) + 2, 5)):
                answer = answers[i] if i < len(answers) else {}
                n = i + 1
                self.fields[f"answer_{i}_id"] = forms.CharField(required=False, widget=forms.HiddenInput,
                                                                initial=answer.get("id", ""))
                self.fields[f"answer_{i}_text"] = forms.CharField(
                    label=_("Answer %(n)s") % {"n": n}, required=False, initial=answer.get("text", ""),
                    widget=forms.TextInput if qtype != QuestionType.MULTICHOICE else forms.Textarea(attrs={"rows": 1}))
                self.fields[f"answer_{i}_fraction"] = forms.ChoiceField(
                    label=_("Grade of answer %(n)s") % {"n": n},
                    choices=[(v, _fraction_label(v)) for v in FRACTION_CHOICES],
                    initial=_closest(answer.get("fraction", "0")))
                self.fields[f"answer_{i}_feedback"] = forms.CharField(
                    label=_("Feedback of answer %(n)s") % {"n": n}, required=False, initial=answer.get("feedback", ""))
                row = [f"answer_{i}_id", f"answer_{i}_text", f"answer_{i}_fraction", f"answer_{i}_feedback"]
                if qtype == QuestionType.NUMERICAL:
                    self.fields[f"answer_{i}_tolerance"] = forms.DecimalField(
                        label=_("Accepted error of answer %(n)s") % {"n": n}, required=False, min_value=0,
                        initial=answer.get("tolerance"))
                    row.append(f"answer_{i}_tolerance")
                self.answer_rows.append(row)
        if qtype == QuestionType.MATCHING:
            pairs = data.get("pairs", [])
            for i in range(max(len(pairs) + 2, 4)):
                pair = pairs[i] if i < len(pairs) else {}
                n = i + 1
                self.fields[f"pair_{i}_id"] = forms.CharField(required=False, widget=forms.HiddenInput,
                                                              initial=pair.get("id", ""))
                self.fields[f"pair_{i}_left"] = forms.CharField(label=_("Item %(n)s") % {"n": n}, required=False,
                                                                initial=pair.get("left", ""))
                self.fields[f"pair_{i}_right"] = forms.CharField(label=_("Matches %(n)s") % {"n": n},
                                                                 required=False, initial=pair.get("right", ""))
                self.pair_rows.append([f"pair_{i}_id", f"pair_{i}_left", f"pair_{i}_right"])
        if version and data.get("stem_after"):
            self.fields["stem_after"] = forms.CharField(label=_("Text after the blank"), required=False,
                                                        initial=data["stem_after"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        qtype = self.qtype
        data: dict[str, Any] = {}
        if cleaned.get("stem_after"):
            data["stem_after"] = cleaned["stem_after"]
        if qtype in (QuestionType.MULTICHOICE, QuestionType.SHORTANSWER, QuestionType.NUMERICAL):
            answers = []
            for i in range(len(self.answer_rows)):
                text = (cleaned.get(f"answer_{i}_text") or "").strip()
                if not text:
                    continue
                answer = {"id": cleaned.get(f"answer_{i}_id") or "", "text": text,
                          "fraction": cleaned.get(f"answer_{i}_fraction") or "0",
                          "feedback": cleaned.get(f"answer_{i}_feedback") or ""}
                if qtype == QuestionType.NUMERICAL:
                    if text != "*" and _number(text) is None:
                        self.add_error(f"answer_{i}_text", _("Type a number (or * for any other answer)."))
                    tolerance = cleaned.get(f"answer_{i}_tolerance")
                    answer.update({"tolerance": None if text == "*" else str(tolerance or 0), "min": None, "max": None})
                answers.append(answer)
            fractions = [Decimal(a["fraction"]) for a in answers]
            if qtype == QuestionType.MULTICHOICE:
                single = cleaned.get("single", True)
                if len(answers) < 2:
                    self.add_error(None, _("Give at least two choices."))
                elif single and max(fractions) != 1:
                    self.add_error(None, _("One choice must be worth 100%."))
                elif not single and sum(f for f in fractions if f > 0) < Decimal("0.99"):
                    self.add_error(None, _("The positive grades must add up to 100%."))
                data.update({"single": single, "shuffle": cleaned.get("shuffle", True)})
            elif not answers or max(fractions) != 1:
                self.add_error(None, _("Give at least one answer worth 100%."))
            if qtype == QuestionType.SHORTANSWER:
                data.update({"accent_insensitive": cleaned.get("accent_insensitive", False),
                             "case_sensitive": cleaned.get("case_sensitive", False)})
            data["answers"] = answers
        elif qtype == QuestionType.TRUEFALSE:
            data = {"correct": cleaned.get("correct", True), "feedback_true": cleaned.get("feedback_true", ""),
                    "feedback_false": cleaned.get("feedback_false", "")}
        elif qtype == QuestionType.MATCHING:
            pairs = []
            for i in range(len(self.pair_rows)):
                left = (cleaned.get(f"pair_{i}_left") or "").strip()
                right = (cleaned.get(f"pair_{i}_right") or "").strip()
                if not right and not left:
                    continue
                if not right:
                    self.add_error(f"pair_{i}_right", _("Give the matching answer."))
                    continue
                pairs.append({"id": cleaned.get(f"pair_{i}_id") or "", "left": left, "right": right})
            if sum(1 for p in pairs if p["left"]) < 2:
                self.add_error(None, _("Give at least two pairs."))
            data["pairs"] = pairs
            data["shuffle"] = True
        cleaned["data"] = data
        cleaned["tag_list"] = [t.strip() for t in (cleaned.get("tags") or "").split(",") if t.strip()]
        return cleaned


def _closest(value: Any) -> str:  # noqa: ANN401
    target = Decimal(str(value or 0))
    return min(FRACTION_CHOICES, key=lambda v: abs(Decimal(v) - target))


def _number(text: str) -> Decimal | None:
    from quizzes.grading import parse_number

    return parse_number(text)


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
