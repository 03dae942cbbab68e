"""Numerical: a number typed as officers type it, accepted within a tolerance or a range."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizzes.formats import ParsedAnswer, ParsedQuestion
from quizzes.question_types.base import TypedAnswerBase, decimal_or_none, decimal_text, register


def parse_number(text: str) -> Decimal | None:
    """A number as officers type it: "3.5", "3,5", "1 000", "-2", "1e3"; None if not a number."""
    cleaned = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def numerical_matches(answer: dict[str, Any], number: Decimal) -> bool:
    if str(answer.get("text", "")).strip() == "*":
        return True
    if answer.get("min") not in (None, "") and answer.get("max") not in (None, ""):
        return Decimal(str(answer["min"])) <= number <= Decimal(str(answer["max"]))
    target = parse_number(answer.get("text", ""))
    if target is None:
        return False
    tolerance = Decimal(str(answer.get("tolerance") or "0"))
    return abs(number - target) <= abs(tolerance)


@register
class Numerical(TypedAnswerBase):
    name = "numerical"
    answer_columns = (gettext_lazy("Accepted error"),)

    def show_for_attempt(self, shown: dict[str, Any], *, data: dict[str, Any], order: list[str],
                         response: dict[str, Any], render: Callable[[str, str], str], text_format: str) -> None:
        super().show_for_attempt(shown, data=data, order=order, response=response, render=render,
                                 text_format=text_format)
        shown["inputmode"] = "decimal"  # a number pad on phones

    live = True

    def live_response(self, data: dict[str, Any], raw: dict[str, Any],
                      refuse: Callable[[str], Exception]) -> dict[str, Any]:
        text = raw.get("text")
        if not isinstance(text, str) or parse_number(text) is None or len(text) > 50:
            raise refuse(_("Type a number, for example 12 or 12,5."))
        return {"text": text.strip()}

    def live_distribution(self, data: dict[str, Any], responses: list[dict[str, Any]],
                          choices: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each value typed, most frequent first, at most 8 rows, the rest as "other"."""
        values: Counter[str] = Counter()
        for response in responses:
            number = parse_number(response.get("text", ""))
            values[f"{number.normalize():f}" if number is not None else "?"] += 1
        rows = [{"id": value, "html": value, "count": count,
                 "right": (self.grade(data, {"text": value}).fraction or 0.0) >= 0.999999}
                for value, count in values.most_common(8)]
        other = sum(values.values()) - sum(row["count"] for row in rows)
        if other:
            rows.append({"id": "other", "html": _("Other values"), "count": other, "right": False})
        return rows

    def read_typed(self, text: str) -> Decimal | None:
        return parse_number(text)

    def accepts(self, data: dict[str, Any], answer: dict[str, Any], typed: Decimal) -> bool:
        return numerical_matches(answer, typed)

    def answer_row_fields(self, i: int, answer: dict[str, Any]) -> list[tuple[str, Any]]:
        return [(f"answer_{i}_tolerance", forms.DecimalField(
            label=gettext_lazy("Accepted error of answer %(n)s") % {"n": i + 1}, required=False, min_value=0,
            initial=answer.get("tolerance")))]

    def answer_row_values(self, form: Any, i: int, text: str) -> dict[str, Any]:  # noqa: ANN401
        if text != "*" and parse_number(text) is None:
            form.add_error(f"answer_{i}_text", gettext_lazy("Type a number (or * for any other answer)."))
        tolerance = form.cleaned_data.get(f"answer_{i}_tolerance")
        return {"tolerance": None if text == "*" else str(tolerance or 0), "min": None, "max": None}

    def demo_fields(self, data: dict[str, Any], *, right: bool, rng: random.Random) -> dict[str, Any]:
        target = Decimal(data["answers"][0]["text"])
        return {"text": str(target if right else target + rng.choice([1, 2, -1, 10]))}

    def data_from_parsed(self, parsed: ParsedQuestion) -> dict[str, Any]:
        return {"answers": [
            {"text": a.text, "fraction": decimal_text(a.fraction), "feedback": a.feedback,
             "tolerance": decimal_text(a.tolerance), "min": decimal_text(a.min), "max": decimal_text(a.max)}
            for a in parsed.answers]}

    def parsed_fill(self, question: ParsedQuestion, *, data: dict[str, Any], text_format: str) -> None:
        question.answers = [ParsedAnswer(text=a["text"], fraction=Decimal(str(a.get("fraction") or 0)),
                                         feedback=a.get("feedback", ""), text_format=text_format,
                                         feedback_format=text_format, tolerance=decimal_or_none(a.get("tolerance")),
                                         min=decimal_or_none(a.get("min")), max=decimal_or_none(a.get("max")))
                            for a in data.get("answers", [])]
