"""Mapping between parsed file questions (quizzes.formats) and stored question data; no writes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from quizzes.formats import ParsedAnswer, ParsedPair, ParsedQuestion

# Moodle's multichoice/shortanswer answer weights, offered in the edit form.
FRACTION_CHOICES = [
    "1", "0.9", "0.8333333", "0.8", "0.75", "0.7", "0.6666667", "0.6", "0.5", "0.4", "0.3333333", "0.3",
    "0.25", "0.2", "0.1666667", "0.1428571", "0.125", "0.1111111", "0.1", "0.05", "0",
    "-0.05", "-0.1", "-0.1111111", "-0.125", "-0.1428571", "-0.1666667", "-0.2", "-0.25", "-0.3",
    "-0.3333333", "-0.4", "-0.5", "-0.6", "-0.6666667", "-0.7", "-0.75", "-0.8", "-0.8333333", "-0.9", "-1",
]


def _dec(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text


def with_ids(items: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    """Give every answer or pair a stable id ("a1", "a2"...), keeping ids already there."""
    used = {item["id"] for item in items if item.get("id")}
    counter = 1
    for item in items:
        if not item.get("id"):
            while f"{prefix}{counter}" in used:
                counter += 1
            item["id"] = f"{prefix}{counter}"
            used.add(item["id"])
    return items


def data_from_parsed(parsed: ParsedQuestion) -> dict[str, Any]:
    """The ``data`` JSON of a question version built from a parsed question."""
    qtype = parsed.type
    if qtype == "multichoice":
        data: dict[str, Any] = {"single": parsed.single, "shuffle": True, "answers": [
            {"text": a.text, "format": a.text_format, "fraction": _dec(a.fraction), "feedback": a.feedback,
             "feedback_format": a.feedback_format} for a in parsed.answers]}
    elif qtype == "truefalse":
        data = {"correct": bool(parsed.correct), "feedback_true": parsed.feedback_true,
                "feedback_false": parsed.feedback_false}
    elif qtype == "shortanswer":
        data = {"case_sensitive": False, "accent_insensitive": False, "answers": [
            {"text": a.text, "fraction": _dec(a.fraction), "feedback": a.feedback} for a in parsed.answers]}
    elif qtype == "numerical":
        data = {"answers": [
            {"text": a.text, "fraction": _dec(a.fraction), "feedback": a.feedback,
             "tolerance": _dec(a.tolerance), "min": _dec(a.min), "max": _dec(a.max)} for a in parsed.answers]}
    elif qtype == "matching":
        data = {"shuffle": True, "pairs": [{"left": p.left, "left_format": p.left_format, "right": p.right}
                                           for p in parsed.pairs]}
    else:
        data = {}
    if parsed.stem_after is not None:
        data["stem_after"] = parsed.stem_after
    if parsed.general_feedback_format != parsed.text_format:
        data["general_feedback_format"] = parsed.general_feedback_format
    return normalise_data(qtype, data)


def normalise_data(qtype: str, data: dict[str, Any]) -> dict[str, Any]:
    if "answers" in data:
        with_ids(data["answers"], "a")
    if "pairs" in data:
        with_ids(data["pairs"], "p")
    return data


def title_for(parsed: ParsedQuestion) -> str:
    if parsed.title:
        return parsed.title[:255]
    words = " ".join(parsed.text.split())
    return (words[:80] + "…") if len(words) > 80 else (words or parsed.type)


def _decimal(value: Any) -> Decimal | None:  # noqa: ANN401
    return None if value in (None, "") else Decimal(str(value))


def parsed_from_version(version: Any, *, category: str | None = None, tags: list[str] | None = None,  # noqa: ANN401
                        idnumber: str = "") -> ParsedQuestion:
    """The ParsedQuestion of a stored version (for export)."""
    data = version.data or {}
    fmt = version.text_format
    question = ParsedQuestion(
        type=version.qtype, text=version.text, text_format=fmt, title=version.title,
        stem_after=data.get("stem_after"), category=category, id=idnumber or None, tags=list(tags or []),
        general_feedback=version.general_feedback,
        general_feedback_format=data.get("general_feedback_format", fmt),
    )
    if version.qtype == "multichoice":
        question.single = bool(data.get("single", True))
        question.answers = [ParsedAnswer(text=a["text"], fraction=Decimal(str(a.get("fraction") or 0)),
                                         feedback=a.get("feedback", ""), text_format=a.get("format", fmt),
                                         feedback_format=a.get("feedback_format", fmt))
                            for a in data.get("answers", [])]
    elif version.qtype == "truefalse":
        question.correct = bool(data.get("correct"))
        question.feedback_true = data.get("feedback_true", "")
        question.feedback_false = data.get("feedback_false", "")
        question.feedback_true_format = question.feedback_false_format = fmt
    elif version.qtype == "shortanswer":
        question.answers = [ParsedAnswer(text=a["text"], fraction=Decimal(str(a.get("fraction") or 0)),
                                         feedback=a.get("feedback", ""), text_format=fmt, feedback_format=fmt)
                            for a in data.get("answers", [])]
    elif version.qtype == "numerical":
        question.answers = [ParsedAnswer(text=a["text"], fraction=Decimal(str(a.get("fraction") or 0)),
                                         feedback=a.get("feedback", ""), text_format=fmt, feedback_format=fmt,
                                         tolerance=_decimal(a.get("tolerance")), min=_decimal(a.get("min")),
                                         max=_decimal(a.get("max")))
                            for a in data.get("answers", [])]
    elif version.qtype == "matching":
        question.pairs = [ParsedPair(left=p.get("left", ""), right=p["right"], left_format=p.get("left_format", fmt))
                          for p in data.get("pairs", [])]
    return question
