"""Input of the IT help desk: requests, replies, ratings, articles, focal persons and their actions."""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import Form
from support.models import ActionKind, FocalKind, RequestStatus

ATTACHMENT_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".pdf", ".docx", ".xlsx", ".odt", ".ods", ".txt"}
IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}
# The first bytes of each picture format accepted: a file renamed .png is not a picture.
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


def attachment_limit_mb() -> int:
    return getattr(settings, "THADS_HELP_ATTACHMENT_MAX_MB", 5)


def _check_size(upload) -> None:  # noqa: ANN001
    limit = attachment_limit_mb()
    if upload.size > limit * 1024 * 1024:
        raise forms.ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": limit})


def is_picture(upload) -> bool:  # noqa: ANN001
    """Whether the upload is a PNG, JPEG, GIF or WebP picture by its name and its first bytes."""
    if not any(upload.name.lower().endswith(ext) for ext in IMAGE_TYPES):
        return False
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return head.startswith(IMAGE_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def software_choices():  # noqa: ANN201
    """The software catalogue (analytics' table, read as data; support does not import analytics)."""
    return apps.get_model("analytics", "Software").objects.filter(is_active=True)


class HelpRequestForm(Form):
    software = forms.ModelChoiceField(label=_("Which software"), queryset=None, required=False,
                                      empty_label=_("— other / not sure —"))
    subject = forms.CharField(label=_("What went wrong (short)"), max_length=200)
    description = forms.CharField(label=_("Details (what you did, what you saw)"), widget=forms.Textarea(attrs={"rows": 4}),
                                  required=False)
    attachment = forms.FileField(label=_("Screenshot or file (optional)"), required=False,
                                 help_text=_("A picture can also be pasted here with Ctrl+V."))
    page_url = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["software"].queryset = software_choices()

    def clean_attachment(self):  # noqa: ANN201
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return upload
        _check_size(upload)
        name = upload.name.lower()
        if not any(name.endswith(ext) for ext in ATTACHMENT_TYPES):
            raise forms.ValidationError(_("Attach a picture (PNG, JPG), a PDF or an office document."))
        return upload

    def clean_page_url(self) -> str:
        url = self.cleaned_data.get("page_url") or ""
        return url if url.startswith("/") and not url.startswith("//") else ""


class ReplyForm(Form):
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    article = forms.ModelChoiceField(label=_("Send a how-to article"), queryset=None, required=False)
    status = forms.ChoiceField(label=_("Then the request is"), choices=RequestStatus.choices, required=False)

    def __init__(self, *args, helper: bool = False, **kwargs) -> None:  # noqa: ANN002, ANN003
        from support.models import Article

        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = Article.objects.filter(is_published=True)
        if not helper:
            del self.fields["article"]
            del self.fields["status"]
        else:
            self.fields["status"].initial = RequestStatus.WAITING


class RatingForm(Form):
    rating = forms.TypedChoiceField(label=_("How helpful was the answer?"), coerce=int,
                                    choices=[(n, str(n)) for n in range(5, 0, -1)], widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class ArticleForm(Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    software = forms.ModelChoiceField(label=_("Software"), queryset=None, required=False)
    body = forms.CharField(label=_("Text (Markdown, pictures allowed)"), widget=forms.Textarea(attrs={"rows": 14}))
    is_published = forms.BooleanField(label=_("Published"), required=False, initial=True)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["software"].queryset = software_choices()


class ArticleImageForm(Form):
    """A picture for an article: the same size limit as a help request's screenshot, pictures only."""

    image = forms.FileField(label=_("Picture (PNG, JPG, GIF or WebP)"))
    alt = forms.CharField(label=_("What the picture shows (optional)"), max_length=120, required=False)

    def clean_image(self):  # noqa: ANN201
        upload = self.cleaned_data["image"]
        _check_size(upload)
        if not is_picture(upload):
            raise forms.ValidationError(_("Only pictures can be put in an article: PNG, JPG, GIF or WebP."))
        return upload


class FocalPersonForm(Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    officer = forms.ModelChoiceField(label=_("Officer"), queryset=None)
    kind = forms.ChoiceField(label=_("Place"), choices=FocalKind.choices)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    def __init__(self, *args, units, officers, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["officer"].queryset = officers


class FocalActionForm(Form):
    kind = forms.ChoiceField(label=_("What you did"), choices=ActionKind.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
