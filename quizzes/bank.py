"""Mapping between parsed file questions (quizzes.formats) and stored question data; no writes."""

from __future__ import annotations

from typing import Any

from quizzes.formats import ParsedQuestion
from quizzes.question_types import question_type_for


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
    data = question_type_for(parsed.type).data_from_parsed(parsed)
    if parsed.stem_after is not None:
        data["stem_after"] = parsed.stem_after
    if parsed.general_feedback_format != parsed.text_format:
        data["general_feedback_format"] = parsed.general_feedback_format
    return normalise_data(parsed.type, data)


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
    question_type_for(version.qtype).parsed_fill(question, data=data, text_format=fmt)
    return question
