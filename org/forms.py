from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import Form, ModelForm
from core.roles import Role
from org.models import ITLevel, Officer, Position, Unit, UnitKind

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class OfficerFilterForm(Form):
    q = forms.CharField(label=_("Name or e-mail"), required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. nguyen van a")}))
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False,
                                  empty_label=_("All my units"))
    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.all(), required=False,
                                      empty_label=_("All positions"))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Working")), ("inactive", _("No longer working")), ("all", _("Everyone"))])

    ACTIVE_BY_STATUS = {"": True, "inactive": False, "all": None}

    def __init__(self, *args, units=None, **kwargs):  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
            self.fields["unit"].label_from_instance = lambda unit: "\u2003" * unit.depth + unit.name


class UnitForm(Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ModelChoiceField(label=_("Level"), queryset=UnitKind.objects.all())
    parent = forms.ModelChoiceField(label=_("Parent unit"), queryset=Unit.objects.all(), required=False,
                                    empty_label=_("(top level)"))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, instance: Unit | None = None, **kwargs):  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["parent"].label_from_instance = lambda unit: "\u2003" * unit.depth + unit.name
        if instance is not None:
            self.fields["parent"].queryset = Unit.objects.exclude(path__startswith=instance.path)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        clash = Unit.objects.filter(code=code)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another unit already has this code."))
        return code


class UnitKindForm(ModelForm):
    class Meta:
        model = UnitKind
        fields = ["code", "name", "order"]


class PositionForm(ModelForm):
    class Meta:
        model = Position
        fields = ["code", "name", "order"]


class OfficerForm(Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Official e-mail"))
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.all())
    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.all())
    it_level = forms.ChoiceField(label=_("IT level"), choices=ITLevel.choices)
    is_it_focal = forms.BooleanField(label=_("IT focal person"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=Role.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, instance: Officer | None = None, **kwargs):  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["unit"].label_from_instance = lambda unit: "\u2003" * unit.depth + unit.name

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        clash = Officer.objects.filter(email__iexact=email)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another officer already has this e-mail."))
        return email


class StaffImportForm(Form):
    file = forms.FileField(label=_("Staff list file (.xlsx or .csv)"),
                           widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}))

    def clean_file(self):  # noqa: ANN201
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Only Excel (.xlsx) or CSV (.csv) files are accepted."))
        return upload


SIGNATORY_IMAGE_MAX = 2 * 1024 * 1024
SIGNATORY_IMAGE_FORMATS = {"PNG", "JPEG"}


def _checked_image(upload, label: str):  # noqa: ANN001, ANN202
    """The upload if it is a PNG or JPEG picture within the size limit; else a Vietnamese error naming the
    field. The content is read by Pillow: a renamed file of another kind is refused."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > SIGNATORY_IMAGE_MAX:
        raise forms.ValidationError(
            _("%(field)s: the file is %(size)s MB; the limit is %(limit)s MB."),
            params={"field": label, "size": round(upload.size / (1024 * 1024), 1),
                    "limit": SIGNATORY_IMAGE_MAX // (1024 * 1024)})
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        kind = None
    upload.seek(0)
    if kind not in SIGNATORY_IMAGE_FORMATS:
        raise forms.ValidationError(_("%(field)s: only a PNG or JPEG picture is accepted."), params={"field": label})
    return upload


class SignatoryForm(Form):
    agency_name = forms.CharField(label=_("Issuing agency (as printed)"), max_length=200, required=False,
                                  help_text=_("Empty: the unit's name."))
    parent_agency = forms.CharField(label=_("Superior agency"), max_length=200, required=False,
                                    help_text=_("Printed above the issuing agency, e.g. Cục Quản lý thi hành án dân sự."))
    place = forms.CharField(label=_("Place of issue"), max_length=100,
                            help_text=_("As in “Kiên Giang, ngày … tháng … năm …”."))
    signer_title = forms.CharField(label=_("Signer's title"), max_length=120,
                                   help_text=_("e.g. Cục trưởng, KT. Cục trưởng – Phó Cục trưởng."))
    signer_name = forms.CharField(label=_("Signer's name"), max_length=150)
    signature = forms.FileField(label=_("Signature image"), required=False,
                                help_text=_("PNG or JPEG, at most 2 MB. Leave empty to keep the current one."),
                                widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}))
    remove_signature = forms.BooleanField(label=_("Remove the signature image"), required=False)
    seal = forms.FileField(label=_("Seal image"), required=False,
                           help_text=_("PNG (transparent background looks best) or JPEG, at most 2 MB."),
                           widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}))
    remove_seal = forms.BooleanField(label=_("Remove the seal image"), required=False)

    def clean_signature(self):  # noqa: ANN201
        upload = self.cleaned_data.get("signature")
        return _checked_image(upload, str(self.fields["signature"].label)) if upload else None

    def clean_seal(self):  # noqa: ANN201
        upload = self.cleaned_data.get("seal")
        return _checked_image(upload, str(self.fields["seal"].label)) if upload else None
