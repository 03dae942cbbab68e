"""The numbered rows of the bank's question form that several types share: answer rows (text, grade,
feedback, and what a type adds) and matching pairs. Blank rows are ignored when the form is read.

The types call these from ``form_fields_add`` / ``form_data`` (see QuestionTypeBase); the form
itself (quizzes.forms.QuestionForm) knows no type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# Moodle's multichoice/shortanswer answer weights, offered in the edit form.
FRACTION_CHOICES = [
    "1", "0.9", "0.8333333", "0.8", "0.75", "0.7", "0.6666667", "0.6", "0.5", "0.4", "0.3333333", "0.3",
    "0.25", "0.2", "0.1666667", "0.1428571", "0.125", "0.1111111", "0.1", "0.05", "0",
    "-0.05", "-0.1", "-0.1111111", "-0.125", "-0.1428571", "-0.1666667", "-0.2", "-0.25", "-0.3",
    "-0.3333333", "-0.4", "-0.5", "-0.6", "-0.6666667", "-0.7", "-0.75", "-0.8", "-0.8333333", "-0.9", "-1",
]

#: Extra fields of one answer row: (i, stored answer) -> [(field name, field)].
RowFields = Callable[[int, dict[str, Any]], list[tuple[str, forms.Field]]]
#: Extra values of one filled answer row: (i, typed text) -> values to add to the stored answer.
RowValues = Callable[[int, str], dict[str, Any]]


def fraction_label(value: str) -> str:
    percent = Decimal(value) * 100
    return f"{percent.normalize():f}%" if percent != 0 else _("0% (wrong)")


def fraction_closest(value: Any) -> str:  # noqa: ANN401
    """The offered grade nearest to a stored fraction (a file may hold any value)."""
    target = Decimal(str(value or 0))
    return min(FRACTION_CHOICES, key=lambda v: abs(Decimal(v) - target))


def _numbered_rows(form: forms.Form, stored: list[dict[str, Any]], *, prefix: str,
                   at_least: int) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number from 0, stored item or {}) for the stored items and two blank rows (`at_least`
    rows in all at least); each row starts with its hidden ``<prefix>_<i>_id`` field, added here."""
    for i in range(max(len(stored) + 2, at_least)):
        item = stored[i] if i < len(stored) else {}
        form.fields[f"{prefix}_{i}_id"] = forms.CharField(required=False, widget=forms.HiddenInput,
                                                          initial=item.get("id", ""))
        yield i, item


def answer_rows_add(form: forms.Form, *, data: dict[str, Any], long_text: bool = False,
                    extra: RowFields | None = None) -> None:
    """Add numbered answer rows to ``form`` (the stored answers, then at least two blank rows, five
    rows at least) and list each row's field names in ``form.answer_rows``."""
    for i, answer in _numbered_rows(form, data.get("answers", []), prefix="answer", at_least=5):
        n = i + 1
        form.fields[f"answer_{i}_text"] = forms.CharField(
            label=_("Answer %(n)s") % {"n": n}, required=False, initial=answer.get("text", ""),
            widget=forms.Textarea(attrs={"rows": 1}) if long_text else forms.TextInput)
        form.fields[f"answer_{i}_fraction"] = forms.ChoiceField(
            label=_("Grade of answer %(n)s") % {"n": n},
            choices=[(v, fraction_label(v)) for v in FRACTION_CHOICES],
            initial=fraction_closest(answer.get("fraction", "0")))
        form.fields[f"answer_{i}_feedback"] = forms.CharField(
            label=_("Feedback of answer %(n)s") % {"n": n}, required=False, initial=answer.get("feedback", ""))
        row = [f"answer_{i}_id", f"answer_{i}_text", f"answer_{i}_fraction", f"answer_{i}_feedback"]
        for name, field in (extra(i, answer) if extra else []):
            form.fields[name] = field
            row.append(name)
        form.answer_rows.append(row)


def answer_rows_read(form: forms.Form, cleaned: dict[str, Any], *, extra: RowValues | None = None
                     ) -> list[dict[str, Any]]:
    """The filled answer rows as stored answers (blank rows skipped); ``extra`` adds a type's values
    and may report a row's problem with ``form.add_error``."""
    answers = []
    for i in range(len(form.answer_rows)):
        text = (cleaned.get(f"answer_{i}_text") or "").strip()
        if not text:
            continue
        answer = {"id": cleaned.get(f"answer_{i}_id") or "", "text": text,
                  "fraction": cleaned.get(f"answer_{i}_fraction") or "0",
                  "feedback": cleaned.get(f"answer_{i}_feedback") or ""}
        if extra:
            answer.update(extra(i, text))
        answers.append(answer)
    return answers


def answers_need_a_full_mark(form: forms.Form, answers: list[dict[str, Any]]) -> None:
    """A typed answer (short answer, numerical) needs at least one answer worth 100%."""
    if not answers or max(Decimal(a["fraction"]) for a in answers) != 1:
        form.add_error(None, _("Give at least one answer worth 100%."))


def pair_rows_add(form: forms.Form, *, data: dict[str, Any]) -> None:
    """Add numbered matching pairs (at least two blank rows, four rows at least), listed in
    ``form.pair_rows``."""
    for i, pair in _numbered_rows(form, data.get("pairs", []), prefix="pair", at_least=4):
        n = i + 1
        form.fields[f"pair_{i}_left"] = forms.CharField(label=_("Item %(n)s") % {"n": n}, required=False,
                                                        initial=pair.get("left", ""))
        form.fields[f"pair_{i}_right"] = forms.CharField(label=_("Matches %(n)s") % {"n": n},
                                                         required=False, initial=pair.get("right", ""))
        form.pair_rows.append([f"pair_{i}_id", f"pair_{i}_left", f"pair_{i}_right"])


def pair_rows_read(form: forms.Form, cleaned: dict[str, Any]) -> list[dict[str, Any]]:
    """The filled pairs (a pair with a left item needs its right-hand side)."""
    pairs = []
    for i in range(len(form.pair_rows)):
        left = (cleaned.get(f"pair_{i}_left") or "").strip()
        right = (cleaned.get(f"pair_{i}_right") or "").strip()
        if not right and not left:
            continue
        if not right:
            form.add_error(f"pair_{i}_right", _("Give the matching answer."))
            continue
        pairs.append({"id": cleaned.get(f"pair_{i}_id") or "", "left": left, "right": right})
    return pairs
