"""Short answer: typed text compared with accepted answers (``*`` wildcard, optional case and accents)."""

from __future__ import annotations

import random
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

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
    answers_hint = gettext_lazy("Use * for any characters, e.g. “Nghị định * 2020”.")

    def accepts(self, data: dict[str, Any], answer: dict[str, Any], typed: str) -> bool:
        return shortanswer_matches(answer.get("text", ""), typed, case_sensitive=bool(data.get("case_sensitive")),
                                   accent_insensitive=bool(data.get("accent_insensitive")))

    def form_fields_add(self, form: Any, *, data: dict[str, Any]) -> None:  # noqa: ANN401
        form.fields["accent_insensitive"] = forms.BooleanField(
            label=gettext_lazy("Accept answers typed without Vietnamese accents"), required=False,
            initial=data.get("accent_insensitive", False))
        form.fields["case_sensitive"] = forms.BooleanField(label=gettext_lazy("Case matters"), required=False,
                                                           initial=data.get("case_sensitive", False))
        super().form_fields_add(form, data=data)

    def form_options(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        return {"accent_insensitive": cleaned.get("accent_insensitive", False),
                "case_sensitive": cleaned.get("case_sensitive", False)}

    def demo_fields(self, data: dict[str, Any], *, right: bool, rng: random.Random) -> dict[str, Any]:
        return {"text": data["answers"][0]["text"] if right else "không nhớ"}

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
