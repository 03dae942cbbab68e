"""Multiple choice: one answer (radio buttons) or several (check boxes, fractions summed)."""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from quizzes.formats import ParsedAnswer, ParsedQuestion
from quizzes.question_types.base import (
    UNANSWERED,
    Grade,
    PostedFields,
    QuestionTypeBase,
    clamp,
    decimal_text,
    fraction_of,
    register,
    state_of,
)


@register
class MultiChoice(QuestionTypeBase):
    name = "multichoice"
    template = "quizzes/question_types/multichoice.html"
    aiken = True

    def response_build(self, *, data: dict[str, Any], order: list[str], fields: PostedFields,
                       refuse: Callable[[str], Exception]) -> dict[str, Any]:
        ids = {answer["id"] for answer in data.get("answers", [])}
        if data.get("single", True):
            choice = fields.get("choice")
            if choice and choice not in ids:
                raise refuse(_("This choice is not in the question."))
            return {"choice": choice or None}
        choices = [c for c in dict.fromkeys(fields.getlist("choices")) if c]
        if any(choice not in ids for choice in choices):
            raise refuse(_("This choice is not in the question."))
        return {"choices": choices}

    def response_fits(self, *, data: dict[str, Any], response: dict[str, Any] | None) -> bool:
        ids = {answer["id"] for answer in data.get("answers", [])}
        single = data.get("single", True)
        picked = [(response or {}).get("choice")] if single else (response or {}).get("choices", [])
        if not single and (response or {}).get("choice"):
            return False
        return all(choice in ids for choice in picked if choice)

    def order_draw(self, *, data: dict[str, Any], shuffle: bool, rng: random.Random) -> list[str]:
        ids = [answer["id"] for answer in data.get("answers", [])]
        if shuffle and data.get("shuffle", True):
            rng.shuffle(ids)
        return ids

    def is_blank(self, response: dict[str, Any] | None) -> bool:
        return not response or not (response.get("choice") or response.get("choices"))

    def _chosen(self, data: dict[str, Any], response: dict[str, Any] | None) -> list[str]:
        answers = {answer["id"] for answer in data.get("answers", [])}
        if data.get("single", True):
            chosen = [(response or {}).get("choice")] if (response or {}).get("choice") else []
        else:
            chosen = list(dict.fromkeys((response or {}).get("choices") or []))
        return [choice for choice in chosen if choice in answers]

    def grade(self, data: dict[str, Any], response: dict[str, Any] | None) -> Grade:
        answers = {answer["id"]: answer for answer in data.get("answers", [])}
        chosen = self._chosen(data, response)
        if not chosen:
            return Grade(0.0, UNANSWERED, [])
        fraction = clamp(sum(fraction_of(answers[choice]) for choice in chosen))
        feedback = [answers[choice].get("feedback", "") for choice in chosen if answers[choice].get("feedback")]
        return Grade(fraction, state_of(fraction), feedback, tuple(chosen))

    def right_answers(self, data: dict[str, Any]) -> list[str]:
        return [a["text"] for a in data.get("answers", []) if fraction_of(a) > 0]

    def distribution_of(self, data: dict[str, Any], response: dict[str, Any] | None) -> list[str]:
        return self._chosen(data, response) or [""]

    def show_for_attempt(self, shown: dict[str, Any], *, data: dict[str, Any], order: list[str],
                         response: dict[str, Any], render: Callable[[str, str], str], text_format: str) -> None:
        answers = {answer["id"]: answer for answer in data.get("answers", [])}
        ids = [i for i in order if i in answers] or list(answers)
        single = bool(data.get("single", True))
        picked = {response.get("choice")} if single else set(response.get("choices") or [])
        shown["single"] = single
        shown["choices"] = [{"id": i, "html": render(answers[i]["text"], answers[i].get("format", text_format)),
                             "checked": i in picked} for i in ids]

    def show_right(self, shown: dict[str, Any], *, data: dict[str, Any]) -> None:
        fractions = {a["id"]: fraction_of(a) for a in data.get("answers", [])}
        for choice in shown["choices"]:
            choice["right"] = fractions.get(choice["id"], 0) > 0

    def data_from_parsed(self, parsed: ParsedQuestion) -> dict[str, Any]:
        return {"single": parsed.single, "shuffle": True, "answers": [
            {"text": a.text, "format": a.text_format, "fraction": decimal_text(a.fraction), "feedback": a.feedback,
             "feedback_format": a.feedback_format} for a in parsed.answers]}

    def parsed_fill(self, question: ParsedQuestion, *, data: dict[str, Any], text_format: str) -> None:
        question.single = bool(data.get("single", True))
        question.answers = [ParsedAnswer(text=a["text"], fraction=Decimal(str(a.get("fraction") or 0)),
                                         feedback=a.get("feedback", ""), text_format=a.get("format", text_format),
                                         feedback_format=a.get("feedback_format", text_format))
                            for a in data.get("answers", [])]
