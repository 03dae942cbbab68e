from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import Form, ModelForm
from learning.models import Assignment, Course, Lesson, Module
from org.models import Position, Unit

MB = 1024 * 1024
VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm", ".ogv": "video/ogg"}
VIDEO_MAX = 300 * MB
FILE_TYPES = {".pdf", ".docx", ".xlsx", ".pptx", ".doc", ".xls", ".odt", ".ods", ".txt", ".zip"}
FILE_MAX = 20 * MB
IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}
IMAGE_MAX = 2 * MB


def _check_upload(upload, allowed: set[str] | dict, max_bytes: int) -> None:  # noqa: ANN001
    suffix = Path(upload.name).suffix.lower()
    if suffix not in allowed:
        raise forms.ValidationError(
            _("File type %(type)s is not accepted. Accepted types: %(allowed)s."),
            params={"type": suffix or "?", "allowed": ", ".join(sorted(allowed))},
        )
    if upload.size > max_bytes:
        raise forms.ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB."),
            params={"size": round(upload.size / MB, 1), "limit": max_bytes // MB},
        )


class CourseForm(ModelForm):
    class Meta:
        model = Course
        fields = ["code", "title", "summary", "category", "level", "estimated_minutes", "skill_tags", "prerequisites",
                  "lock_order", "grade_method"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3}),
                   "prerequisites": forms.CheckboxSelectMultiple}
        help_texts = {"skill_tags": _("Codes of the IT skills standard separated by commas, e.g. IU01, IU06.")}

    def __init__(self, *args, **kwargs):  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        others = Course.objects.order_by("code")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["prerequisites"].queryset = others
        self.fields["prerequisites"].required = False
        self.fields["grade_method"].required = False  # left out: the course keeps its method (or the default)

    def clean_grade_method(self) -> str:
        return self.cleaned_data.get("grade_method") or self.instance.grade_method or Course.GradeMethod.MEAN

    def clean_skill_tags(self) -> str:
        tags = [tag.strip().upper() for tag in self.cleaned_data["skill_tags"].split(",") if tag.strip()]
        return ",".join(dict.fromkeys(tags))


class ModuleForm(ModelForm):
    class Meta:
        model = Module
        fields = ["title", "position"]
        help_texts = {"position": _("Leave empty to add at the end.")}

    def __init__(self, *args, **kwargs):  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False


class LessonForm(ModelForm):
    url = forms.URLField(label=_("link"), required=False, assume_scheme="https")

    class Meta:
        model = Lesson
        fields = ["title", "kind", "body", "video", "attachment", "url", "is_required", "estimated_minutes", "position",
                  "completion_rule", "completion_minutes", "completion_percent", "grade_weight"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}
        help_texts = {
            "body": _("Markdown. Insert an uploaded image with ![description](image address)."),
            "video": _("MP4 or WebM, at most 300 MB."),
            "attachment": _("PDF, Office or ZIP file, at most 20 MB."),
            "completion_rule": _("A quiz lesson is always completed by passing its quiz."),
            "grade_weight": _("Only for a quiz lesson in a course graded by weights."),
        }

    def __init__(self, *args, **kwargs):  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("completion_rule", Lesson.CompletionRule.VIEWED)
        # Left out of a post, the rule fields keep the lesson's values (a new lesson: "viewed").
        for name in ("completion_rule", "completion_minutes", "completion_percent", "grade_weight"):
            self.fields[name].required = False

    def _kept(self, name: str, new_default: object) -> object:
        value = self.cleaned_data.get(name)
        if value in (None, ""):
            return getattr(self.instance, name) if self.instance.pk else new_default
        return value

    def clean_completion_rule(self) -> str:
        return self._kept("completion_rule", Lesson.CompletionRule.VIEWED)

    def clean_completion_minutes(self) -> int:
        return self._kept("completion_minutes", 2)

    def clean_completion_percent(self) -> int:
        return self._kept("completion_percent", 90)

    def clean_grade_weight(self) -> int:
        return self._kept("grade_weight", 1)

    def clean_video(self):  # noqa: ANN201
        video = self.cleaned_data.get("video")
        if video and hasattr(video, "size") and video != getattr(self.instance, "video", None):
            _check_upload(video, VIDEO_TYPES, VIDEO_MAX)
        return video

    def clean_attachment(self):  # noqa: ANN201
        attachment = self.cleaned_data.get("attachment")
        if attachment and hasattr(attachment, "size") and attachment != getattr(self.instance, "attachment", None):
            _check_upload(attachment, FILE_TYPES, FILE_MAX)
        return attachment

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        needs = {Lesson.Kind.VIDEO: ("video", _("Upload the video of this lesson.")),
                 Lesson.Kind.FILE: ("attachment", _("Upload the file of this lesson.")),
                 Lesson.Kind.LINK: ("url", _("Enter the link of this lesson.")),
                 Lesson.Kind.TEXT: ("body", _("Write the text of this lesson."))}
        if kind in needs:
            field, message = needs[kind]
            if not data.get(field):
                self.add_error(field, message)
        rule = data.get("completion_rule")
        rules = Lesson.CompletionRule
        if kind == Lesson.Kind.QUIZ:
            data["completion_rule"] = rules.QUIZ
        elif rule == rules.QUIZ:
            self.add_error("completion_rule", _("Only a quiz lesson is completed by passing a quiz."))
        elif rule == rules.VIDEO and kind != Lesson.Kind.VIDEO:
            self.add_error("completion_rule", _("“Video watched” needs a lesson of kind video."))
        elif rule == rules.FILE and kind != Lesson.Kind.FILE:
            self.add_error("completion_rule", _("“File downloaded” needs a lesson of kind file to download."))
        return data


class ImageForm(Form):
    image = forms.FileField(label=_("Image"), help_text=_("PNG, JPEG, GIF or WebP, at most 2 MB."))

    def clean_image(self):  # noqa: ANN201
        image = self.cleaned_data["image"]
        _check_upload(image, IMAGE_TYPES, IMAGE_MAX)
        return image


class AssignmentForm(ModelForm):
    class Meta:
        model = Assignment
        fields = ["course", "unit", "positions", "due_date", "due_days_after_enrolment", "recertify_months"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "positions": forms.CheckboxSelectMultiple}

    def __init__(self, *args, units=None, **kwargs):  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.published().order_by("code")
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
        self.fields["positions"].queryset = Position.objects.all()
        self.fields["positions"].required = False

    def clean_due_date(self):  # noqa: ANN201
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due


class ReportFilterForm(Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none(), required=False,
                                    empty_label=_("All courses"))
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False,
                                  empty_label=_("All units"))
    status = forms.ChoiceField(label=_("Show"), required=False,
                               choices=[("", _("All rows")), ("overdue", _("Only rows with overdue officers"))])

    def __init__(self, *args, courses=None, units=None, **kwargs):  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses if courses is not None else Course.objects.none()
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()


class CertificateLookupForm(Form):
    code = forms.CharField(label=_("Verification code"), max_length=30,
                           help_text=_("The 12 characters printed on the certificate, e.g. ABCD2345EFGH."))


class CertificateSearchForm(Form):
    q = forms.CharField(label=_("Code, name or course"), max_length=100, required=False)


class CertificateRevokeForm(Form):
    reason = forms.CharField(label=_("Reason for revocation"), max_length=200,
                             widget=forms.TextInput(attrs={"size": 60}),
                             help_text=_("Kept with the certificate; the public verification page says it is revoked."))
