"""Multiple choice: one answer (radio buttons) or several (check boxes, fractions summed)."""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizzes.formats import ParsedAnswer, ParsedQuestion
from quizzes.question_types.editing import answer_rows_add, answer_rows_read
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

    live = True

    def live_kind(self, data: dict[str, Any]) -> str:
        return "single" if data.get("single", True) else "multiple"

    def live_choices(self, *, data: dict[str, Any], order: list[str],
                     render: Callable[[str, str], str], text_format: str) -> list[dict[str, Any]]:
        answers = {answer["id"]: answer for answer in data.get("answers", [])}
        return [{"id": i, "html": str(render(answers[i]["text"], answers[i].get("format", text_format)))}
                for i in order if i in answers]

    def live_response(self, data: dict[str, Any], raw: dict[str, Any],
                      refuse: Callable[[str], Exception]) -> dict[str, Any]:
        ids = {answer["id"] for answer in data.get("answers", [])}
        if data.get("single", True):
            choice = raw.get("choice")
            if not isinstance(choice, str) or choice not in ids:
                raise refuse(_("Choose one of the answers shown."))
            return {"choice": choice}
        choices = raw.get("choices")
        if not isinstance(choices, list) or not choices or not all(isinstance(c, str) and c in ids for c in choices):
            raise refuse(_("Choose one or more of the answers shown."))
        return {"choices": list(dict.fromkeys(choices))}

    def live_right(self, data: dict[str, Any]) -> dict[str, Any]:
        ids = [a["id"] for a in data.get("answers", []) if Decimal(str(a.get("fraction") or 0)) > 0]
        return {"choices": ids, "texts": self.right_answers(data)}

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

    def form_fields_add(self, form: Any, *, data: dict[str, Any]) -> None:  # noqa: ANN401
        form.fields["single"] = forms.BooleanField(label=gettext_lazy("Only one answer may be chosen"),
                                                   required=False, initial=data.get("single", True))
        form.fields["shuffle"] = forms.BooleanField(label=gettext_lazy("Shuffle the choices"), required=False,
                                                    initial=data.get("shuffle", True))
        answer_rows_add(form, data=data, long_text=True)

    def form_data(self, form: Any, cleaned: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN401
        answers = answer_rows_read(form, cleaned)
        fractions = [Decimal(a["fraction"]) for a in answers]
        single = cleaned.get("single", True)
        if len(answers) < 2:
            form.add_error(None, gettext_lazy("Give at least two choices."))
        elif single and max(fractions) != 1:
            form.add_error(None, gettext_lazy("One choice must be worth 100%."))
        elif not single and sum(f for f in fractions if f > 0) < Decimal("0.99"):
            form.add_error(None, gettext_lazy("The positive grades must add up to 100%."))
        return {"single": single, "shuffle": cleaned.get("shuffle", True), "answers": answers}

    def demo_fields(self, data: dict[str, Any], *, right: bool, rng: random.Random) -> dict[str, Any]:
        answers = data["answers"]
        if data.get("single", True):
            good = [a["id"] for a in answers if float(a["fraction"]) >= 1]
            bad = [a["id"] for a in answers if float(a["fraction"]) < 1]
            return {"choice": rng.choice(good if right or not bad else bad)}
        good = [a["id"] for a in answers if float(a["fraction"]) > 0]
        bad = [a["id"] for a in answers if float(a["fraction"]) <= 0]
        picked = good if right else rng.sample(good, k=max(1, len(good) - 1)) + rng.sample(bad, k=min(1, len(bad)))
        return {"choices": picked}

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
