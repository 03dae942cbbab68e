"""True/false: one statement, answered "true" or "false"."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizzes.formats import ParsedQuestion
from quizzes.question_types.base import UNANSWERED, Grade, PostedFields, QuestionTypeBase, register, state_of


@register
class TrueFalse(QuestionTypeBase):
    name = "truefalse"
    template = "quizzes/question_types/truefalse.html"

    def response_build(self, *, data: dict[str, Any], order: list[str], fields: PostedFields,
                       refuse: Callable[[str], Exception]) -> dict[str, Any]:
        value = fields.get("choice")
        if value not in ("", "true", "false"):
            raise refuse(_("Choose only True or False."))
        return {"value": None if value == "" else value == "true"}

    live = True

    def live_choices(self, *, data: dict[str, Any], order: list[str],
                     render: Callable[[str, str], str], text_format: str) -> list[dict[str, Any]]:
        return [{"id": "true", "html": _("True")}, {"id": "false", "html": _("False")}]

    def live_response(self, data: dict[str, Any], raw: dict[str, Any],
                      refuse: Callable[[str], Exception]) -> dict[str, Any]:
        if raw.get("choice") not in ("true", "false"):
            raise refuse(_("Choose True or False."))
        return {"value": raw["choice"] == "true"}

    def live_right(self, data: dict[str, Any]) -> dict[str, Any]:
        value = "true" if data.get("correct") else "false"
        return {"choices": [value], "texts": [_("True") if value == "true" else _("False")]}

    def is_blank(self, response: dict[str, Any] | None) -> bool:
        return not response or response.get("value") is None

    def grade(self, data: dict[str, Any], response: dict[str, Any] | None) -> Grade:
        value = (response or {}).get("value")
        if value is None:
            return Grade(0.0, UNANSWERED, [])
        value = bool(value)
        fraction = 1.0 if value == bool(data.get("correct")) else 0.0
        feedback = data.get("feedback_true" if value else "feedback_false", "")
        return Grade(fraction, state_of(fraction), [feedback] if feedback else [])

    def right_answers(self, data: dict[str, Any]) -> list[str]:
        return ["true" if data.get("correct") else "false"]

    def distribution_keys(self, data: dict[str, Any]) -> list[str]:
        return ["true", "false"]

    def distribution_of(self, data: dict[str, Any], response: dict[str, Any] | None) -> list[str]:
        if self.is_blank(response):
            return [""]
        return ["true" if response["value"] else "false"]  # type: ignore[index]

    def show_for_attempt(self, shown: dict[str, Any], *, data: dict[str, Any], order: list[str],
                         response: dict[str, Any], render: Callable[[str, str], str], text_format: str) -> None:
        shown["value"] = response.get("value")

    def show_right(self, shown: dict[str, Any], *, data: dict[str, Any]) -> None:
        shown["right_value"] = bool(data.get("correct"))

    def form_fields_add(self, form: Any, *, data: dict[str, Any]) -> None:  # noqa: ANN401
        form.fields["correct"] = forms.TypedChoiceField(
            label=gettext_lazy("The statement is"),
            choices=[("true", gettext_lazy("True")), ("false", gettext_lazy("False"))],
            coerce=lambda v: v == "true", widget=forms.RadioSelect,
            initial="true" if data.get("correct", True) else "false")
        form.fields["feedback_true"] = forms.CharField(label=gettext_lazy("Feedback for the answer “true”"),
                                                       required=False, initial=data.get("feedback_true", ""))
        form.fields["feedback_false"] = forms.CharField(label=gettext_lazy("Feedback for the answer “false”"),
                                                        required=False, initial=data.get("feedback_false", ""))

    def form_data(self, form: Any, cleaned: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN401
        return {"correct": cleaned.get("correct", True), "feedback_true": cleaned.get("feedback_true", ""),
                "feedback_false": cleaned.get("feedback_false", "")}

    def demo_fields(self, data: dict[str, Any], *, right: bool, rng: random.Random) -> dict[str, Any]:
        value = bool(data["correct"]) if right else not data["correct"]
        return {"choice": "true" if value else "false"}

    def data_from_parsed(self, parsed: ParsedQuestion) -> dict[str, Any]:
        return {"correct": bool(parsed.correct), "feedback_true": parsed.feedback_true,
                "feedback_false": parsed.feedback_false}

    def parsed_fill(self, question: ParsedQuestion, *, data: dict[str, Any], text_format: str) -> None:
        question.correct = bool(data.get("correct"))
        question.feedback_true = data.get("feedback_true", "")
        question.feedback_false = data.get("feedback_false", "")
        question.feedback_true_format = question.feedback_false_format = text_format
