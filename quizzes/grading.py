"""Automatic grading, one pure function per question type (no database).

Each function takes the type-specific ``data`` of a question version and the officer's
``response`` and returns a :class:`Grade`. Fractions follow Moodle: a multiple-choice
question sums the fractions of the choices picked and clamps the total to [0, 1]; short
answer and numerical questions take the first accepted answer that matches, in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from core.text import fold

CORRECT, PARTIAL, WRONG, UNANSWERED, NEEDS_GRADING = "correct", "partial", "wrong", "unanswered", "needs_grading"


@dataclass(frozen=True)
class Grade:
    """``fraction`` is in [0, 1], or None when a person must grade (essays)."""

    fraction: float | None
    state: str
    feedback: list[str]
    matched: tuple[str, ...] = ()  # ids of the answers that matched (for the review)


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def _state(fraction: float) -> str:
    if fraction >= 0.999999:
        return CORRECT
    return PARTIAL if fraction > 0 else WRONG


def _fraction(answer: dict[str, Any]) -> float:
    return float(Decimal(str(answer.get("fraction", "0"))))


def is_blank(qtype: str, response: Any) -> bool:  # noqa: ANN401
    if not response:
        return True
    if qtype == "multichoice":
        return not (response.get("choice") or response.get("choices"))
    if qtype == "truefalse":
        return response.get("value") is None
    if qtype == "matching":
        return not any((response.get("pairs") or {}).values())
    return not str(response.get("text", "")).strip()


def grade_multichoice(data: dict[str, Any], response: dict[str, Any] | None) -> Grade:
    answers = {answer["id"]: answer for answer in data.get("answers", [])}
    if data.get("single", True):
        chosen = [(response or {}).get("choice")] if (response or {}).get("choice") else []
    else:
        chosen = list(dict.fromkeys((response or {}).get("choices") or []))
    chosen = [choice for choice in chosen if choice in answers]
    if not chosen:
        return Grade(0.0, UNANSWERED, [])
    fraction = _clamp(sum(_fraction(answers[choice]) for choice in chosen))
    feedback = [answers[choice].get("feedback", "") for choice in chosen if answers[choice].get("feedback")]
    return Grade(fraction, _state(fraction), feedback, tuple(chosen))


def grade_truefalse(data: dict[str, Any], response: dict[str, Any] | None) -> Grade:
    value = (response or {}).get("value")
    if value is None:
        return Grade(0.0, UNANSWERED, [])
    value = bool(value)
    fraction = 1.0 if value == bool(data.get("correct")) else 0.0
    feedback = data.get("feedback_true" if value else "feedback_false", "")
    return Grade(fraction, _state(fraction), [feedback] if feedback else [])


def _wildcard_regex(pattern: str) -> re.Pattern[str]:
    parts = [re.escape(part) for part in pattern.split("*")]
    return re.compile(r"\A" + ".*".join(parts) + r"\Z", re.DOTALL)


def shortanswer_matches(pattern: str, text: str, *, case_sensitive: bool = False,
                        accent_insensitive: bool = False) -> bool:
    """Whether `text` is accepted by `pattern` (``*`` matches any run of characters)."""
    pattern, text = " ".join(pattern.split()), " ".join(text.split())
    if accent_insensitive:
        pattern, text = fold(pattern), fold(text)
    elif not case_sensitive:
        pattern, text = pattern.casefold(), text.casefold()
    return bool(_wildcard_regex(pattern).match(text))


def grade_shortanswer(data: dict[str, Any], response: dict[str, Any] | None) -> Grade:
    text = str((response or {}).get("text", "")).strip()
    if not text:
        return Grade(0.0, UNANSWERED, [])
    for answer in data.get("answers", []):
        if shortanswer_matches(answer.get("text", ""), text, case_sensitive=bool(data.get("case_sensitive")),
                               accent_insensitive=bool(data.get("accent_insensitive"))):
            fraction = _clamp(_fraction(answer))
            feedback = [answer["feedback"]] if answer.get("feedback") else []
            return Grade(fraction, _state(fraction), feedback, (answer["id"],))
    return Grade(0.0, WRONG, [])


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


def grade_numerical(data: dict[str, Any], response: dict[str, Any] | None) -> Grade:
    text = str((response or {}).get("text", "")).strip()
    if not text:
        return Grade(0.0, UNANSWERED, [])
    number = parse_number(text)
    if number is None:
        return Grade(0.0, WRONG, [])
    for answer in data.get("answers", []):
        if numerical_matches(answer, number):
            fraction = _clamp(_fraction(answer))
            feedback = [answer["feedback"]] if answer.get("feedback") else []
            return Grade(fraction, _state(fraction), feedback, (answer["id"],))
    return Grade(0.0, WRONG, [])


def grade_matching(data: dict[str, Any], response: dict[str, Any] | None) -> Grade:
    rows = [pair for pair in data.get("pairs", []) if pair.get("left")]
    chosen = (response or {}).get("pairs") or {}
    if not rows or not any(chosen.values()):
        return Grade(0.0, UNANSWERED, [])
    right = [pair["id"] for pair in rows if chosen.get(pair["id"]) == pair["right"]]
    fraction = len(right) / len(rows)
    return Grade(fraction, _state(fraction), [], tuple(right))


def grade_essay(data: dict[str, Any], response: dict[str, Any] | None) -> Grade:
    if not str((response or {}).get("text", "")).strip():
        return Grade(0.0, UNANSWERED, [])
    return Grade(None, NEEDS_GRADING, [])


def grade_description(data: dict[str, Any], response: dict[str, Any] | None) -> Grade:
    return Grade(0.0, UNANSWERED, [])


GRADERS = {
    "multichoice": grade_multichoice,
    "truefalse": grade_truefalse,
    "shortanswer": grade_shortanswer,
    "numerical": grade_numerical,
    "matching": grade_matching,
    "essay": grade_essay,
    "description": grade_description,
}


def grade(qtype: str, data: dict[str, Any], response: dict[str, Any] | None) -> Grade:
    return GRADERS[qtype](data, response)


def right_answer(qtype: str, data: dict[str, Any]) -> list[str]:
    """Texts of the right answer(s), for the review only."""
    if qtype == "multichoice":
        answers = data.get("answers", [])
        best = [a for a in answers if _fraction(a) > 0]
        return [a["text"] for a in best]
    if qtype == "truefalse":
        return ["true" if data.get("correct") else "false"]
    if qtype in ("shortanswer", "numerical"):
        full = [a for a in data.get("answers", []) if _fraction(a) >= 0.999999 and a.get("text") != "*"]
        out = []
        for answer in full:
            if answer.get("min") not in (None, "") and answer.get("max") not in (None, ""):
                out.append(f"{answer['min']} – {answer['max']}")
            elif answer.get("tolerance") not in (None, "", "0", 0):
                out.append(f"{answer['text']} ± {answer['tolerance']}")
            else:
                out.append(answer["text"])
        return out
    if qtype == "matching":
        return [f"{pair['left']} → {pair['right']}" for pair in data.get("pairs", []) if pair.get("left")]
    return []
