"""Form bases every app's forms use, so input is cleaned the same way everywhere."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import ErrorList as DjangoErrorList
from django.utils.safestring import SafeString, mark_safe

from core.text import nfc_deep


class ErrorList(DjangoErrorList):
    """Django's error list, minus a template render for every field that has no error (the usual
    case on a page's first view): Django's error templates print nothing for an empty list."""

    def render(self, template_name=None, context=None, renderer=None) -> SafeString:  # noqa: ANN001
        if not self.data and context is None and template_name in (None, *self._django_templates):
            return mark_safe("")
        return super().render(template_name, context, renderer)

    _django_templates = (DjangoErrorList.template_name, DjangoErrorList.template_name_ul,
                         DjangoErrorList.template_name_text)

    __str__ = render
    __html__ = render


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("error_class", ErrorList)
        super().__init__(*args, **kwargs)


class ModelForm(NormalizedFormMixin, forms.ModelForm):
    """``forms.ModelForm`` with NFC input."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("error_class", ErrorList)
        super().__init__(*args, **kwargs)
