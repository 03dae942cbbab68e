"""core.forms: the error list prints exactly what Django's prints."""

from __future__ import annotations

from django import forms as django_forms

from core.forms import Form


class _AgeForm(Form):
    age = django_forms.IntegerField(label="Age")


class _DjangoAgeForm(django_forms.Form):
    age = django_forms.IntegerField(label="Age")


def test_a_field_without_errors_prints_nothing_as_before():
    assert str(_AgeForm()["age"].errors) == "" == str(_DjangoAgeForm()["age"].errors)
    assert str(_AgeForm({"age": "7"})["age"].errors) == ""


def test_errors_print_as_djangos_own_list():
    ours, theirs = _AgeForm({"age": "x"}), _DjangoAgeForm({"age": "x"})
    assert not ours.is_valid() and not theirs.is_valid()
    assert str(ours["age"].errors) == str(theirs["age"].errors)
    assert 'class="errorlist' in str(ours["age"].errors)
    assert ours["age"].errors.as_text() == theirs["age"].errors.as_text() != ""
    assert str(ours) == str(theirs)  # the whole form, errors included
