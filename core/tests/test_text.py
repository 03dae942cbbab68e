"""NFC normalisation: the helper, and its use by every form of the project."""

import importlib
import unicodedata
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings

from core.forms import Form, NormalizedFormMixin
from core.text import fold, nfc, nfc_deep

COMPOSED = "Nguyễn Văn Hưởng"
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)


def test_nfc_turns_combining_accents_into_precomposed_letters():
    assert DECOMPOSED != COMPOSED
    assert nfc(DECOMPOSED) == COMPOSED
    assert nfc("") == "" and nfc(None) is None


def test_nfc_deep_reaches_every_string_in_nested_data():
    value = {DECOMPOSED: [DECOMPOSED, (DECOMPOSED, 3)], "n": None}
    assert nfc_deep(value) == {COMPOSED: [COMPOSED, (COMPOSED, 3)], "n": None}


def test_fold_is_the_same_for_both_forms():
    assert fold(DECOMPOSED) == fold(COMPOSED) == "nguyen van huong"


class _NameForm(Form):
    name = forms.CharField()
    tags = forms.MultipleChoiceField(choices=[(COMPOSED, COMPOSED), ("x", "x")])


def test_form_input_typed_with_combining_accents_is_cleaned_to_nfc():
    form = _NameForm(data={"name": DECOMPOSED, "tags": [DECOMPOSED]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == COMPOSED
    assert form.cleaned_data["tags"] == [COMPOSED]


def _project_forms() -> list[type]:
    base = Path(settings.BASE_DIR).resolve()
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if base not in path.parents or "site-packages" in path.parts:
            continue  # installed libraries may live inside the checkout (.venv)
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        found += [value for value in vars(module).values()
                  if isinstance(value, type) and issubclass(value, forms.BaseForm)
                  and value.__module__ == module.__name__]
    return found


def test_every_form_of_the_project_normalises_its_input():
    found = _project_forms()
    assert len(found) > 20  # the walk really finds the apps' forms
    missing = [f"{form.__module__}.{form.__name__}" for form in found if not issubclass(form, NormalizedFormMixin)]
    assert not missing, f"derive these from core.forms.Form / ModelForm: {missing}"
