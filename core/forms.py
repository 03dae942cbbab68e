"""Form bases every app's forms use, so input is cleaned the same way everywhere."""

from __future__ import annotations

from typing import Any

from django import forms

from core.text import nfc_deep


class NormalizedFormMixin:
    """Turns every submitted text value into Unicode NFC before fields clean it.

    Vietnamese typed with combining accents then compares, searches and is stored the same
    as precomposed text. Put it first in the bases: ``class MyForm(NormalizedFormMixin, forms.Form)``,
    or derive from :class:`Form` / :class:`ModelForm` below.
    """

    def _widget_data_value(self, widget: forms.Widget, html_name: str) -> Any:  # noqa: ANN401
        return nfc_deep(super()._widget_data_value(widget, html_name))  # type: ignore[misc]


class Form(NormalizedFormMixin, forms.Form):
    """``forms.Form`` with NFC input."""


class ModelForm(NormalizedFormMixin, forms.ModelForm):
    """``forms.ModelForm`` with NFC input."""
