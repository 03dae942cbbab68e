"""Short answer: typed text compared with accepted answers (``*`` wildcard, optional case and accents)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from core.text import fold, nfc
from quizzes.formats import ParsedAnswer, ParsedQuestion
from quizzes.question_types.base import TypedAnswerBase, decimal_text, register


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
class ShortAnswer(TypedAnswerBase):
    name = "shortanswer"

    def accepts(self, data: dict[str, Any], answer: dict[str, Any], typed: str) -> bool:
        return shortanswer_matches(answer.get("text", ""), typed, case_sensitive=bool(data.get("case_sensitive")),
                                   accent_insensitive=bool(data.get("accent_insensitive")))

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
