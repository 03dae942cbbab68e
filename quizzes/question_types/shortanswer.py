"""Short answer: typed text compared with accepted answers (``*`` wildcard, optional case and accents)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from core.text import fold, nfc
from quizzes.formats import ParsedAnswer, ParsedQuestion
from quizzes.question_types.base import (
    UNANSWERED,
    WRONG,
    Grade,
    QuestionTypeBase,
    accepted_texts,
    clamp,
    decimal_text,
    fraction_of,
    register,
    state_of,
)


def _wildcard_regex(pattern: str) -> re.Pattern[str]:
    parts = [re.escape(part) for part in pattern.split("*")]
    return re.compile(r"\A" + ".*".join(parts) + r"\Z", re.DOTALL)


def shortanswer_matches(pattern: str, text: str, *, case_sensitive: bool = False,
                        accent_insensitive: bool = False) -> bool:
    """Whether `text` is accepted by `pattern` (``*`` matches any run of characters).

    Both sides are compared in NFC, so accents typed as combining marks match precomposed ones."""
    pattern, text = " ".join(nfc(pattern).split()), " ".join(nfc(text).split())
    if accent_insensitive:
        pattern, text = fold(pattern), fold(text)
    elif not case_sensitive:
        pattern, text = pattern.casefold(), text.casefold()
    return bool(_wildcard_regex(pattern).match(text))


@register
class ShortAnswer(QuestionTypeBase):
    name = "shortanswer"

    def grade(self, data: dict[str, Any], response: dict[str, Any] | None) -> Grade:
        text = str((response or {}).get("text", "")).strip()
        if not text:
            return Grade(0.0, UNANSWERED, [])
        for answer in data.get("answers", []):
            if shortanswer_matches(answer.get("text", ""), text, case_sensitive=bool(data.get("case_sensitive")),
                                   accent_insensitive=bool(data.get("accent_insensitive"))):
                fraction = clamp(fraction_of(answer))
                feedback = [answer["feedback"]] if answer.get("feedback") else []
                return Grade(fraction, state_of(fraction), feedback, (answer["id"],))
        return Grade(0.0, WRONG, [])

    def right_answers(self, data: dict[str, Any]) -> list[str]:
        return accepted_texts(data)

    def data_from_parsed(self, parsed: ParsedQuestion) -> dict[str, Any]:
        return {"case_sensitive": bool(parsed.case_sensitive), "accent_insensitive": bool(parsed.accent_insensitive),
                "answers": [{"text": a.text, "fraction": decimal_text(a.fraction), "feedback": a.feedback}
                            for a in parsed.answers]}

    def parsed_fill(self, question: ParsedQuestion, *, data: dict[str, Any], text_format: str) -> None:
        question.case_sensitive = bool(data.get("case_sensitive"))
        question.accent_insensitive = bool(data.get("accent_insensitive"))
        question.answers = [ParsedAnswer(text=a["text"], fraction=Decimal(str(a.get("fraction") or 0)),
                                         feedback=a.get("feedback", ""), text_format=text_format,
                                         feedback_format=text_format)
                            for a in data.get("answers", [])]
