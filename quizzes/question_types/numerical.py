"""Numerical: a number typed as officers type it, accepted within a tolerance or a range."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from quizzes.formats import ParsedAnswer, ParsedQuestion
from quizzes.question_types.base import (
    UNANSWERED,
    WRONG,
    Grade,
    QuestionTypeBase,
    accepted_texts,
    clamp,
    decimal_or_none,
    decimal_text,
    fraction_of,
    register,
    state_of,
)


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
class Numerical(QuestionTypeBase):
    name = "numerical"

    def grade(self, data: dict[str, Any], response: dict[str, Any] | None) -> Grade:
        text = str((response or {}).get("text", "")).strip()
        if not text:
            return Grade(0.0, UNANSWERED, [])
        number = parse_number(text)
        if number is None:
            return Grade(0.0, WRONG, [])
        for answer in data.get("answers", []):
            if numerical_matches(answer, number):
                fraction = clamp(fraction_of(answer))
                feedback = [answer["feedback"]] if answer.get("feedback") else []
                return Grade(fraction, state_of(fraction), feedback, (answer["id"],))
        return Grade(0.0, WRONG, [])

    def right_answers(self, data: dict[str, Any]) -> list[str]:
        return accepted_texts(data)

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
