"""The one place where live rounds talk to the quizzes question engine.

A live question is a snapshot of a quiz question (type, text, choices and the type's data with its
right answers), taken when the host opens the lobby. This module builds those snapshots, the public
view a device may see before the reveal (text and choice ids only), turns what a device sends into a
response, grades it and counts the answer distribution. Grading and counting go through the quizzes
question-type registry (`quizzes.question_types`); nothing else in contests calls it.
"""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from quizzes.question_types import parse_number, question_type_for
from quizzes.models import QuizSlot
from quizzes.presentation import render_text

# Single choice and multiple choice are both the quizzes "multichoice" type (data["single"]).
LIVE_TYPES = frozenset({"multichoice", "truefalse", "numerical"})


class LiveQuestionError(Exception):
    """A question or a response that a live round cannot use; the message is for people."""


def questions_snapshot(*, quiz: Any, seed: str) -> list[dict[str, Any]]:  # noqa: ANN401
    """The quiz's fixed questions, in slot order, as live snapshots. Choices of a shuffled single or
    multiple choice question are shuffled once here, so every device shows the same order.

    Raises LiveQuestionError naming the first slot a live round cannot use."""
    slots = list(QuizSlot.objects.filter(quiz=quiz).select_related("question__current_version").order_by("position"))
    if not slots:
        raise LiveQuestionError(_("The round's quiz has no questions."))
    rng = random.Random(seed)
    snapshots = []
    for number, slot in enumerate(slots, start=1):
        if slot.question_id is None:
            raise LiveQuestionError(_("Question %(number)s draws at random: a live round needs fixed questions.")
                                    % {"number": number})
        version = slot.question.current_version
        if version is None or version.qtype not in LIVE_TYPES:
            raise LiveQuestionError(
                _("Question %(number)s is not single choice, multiple choice, true/false or numerical.")
                % {"number": number})
        data = version.data or {}
        order = [answer["id"] for answer in data.get("answers", [])] if version.qtype == "multichoice" else []
        if version.qtype == "multichoice" and data.get("shuffle", True):
            rng.shuffle(order)
        snapshots.append({"version": version.pk, "qtype": version.qtype, "title": version.title,
                          "text": str(render_text(version.text, version.text_format)),
                          "text_format": version.text_format, "data": data, "order": order})
    return snapshots


def _kind(question: dict[str, Any]) -> str:
    if question["qtype"] == "multichoice":
        return "single" if question["data"].get("single", True) else "multiple"
    return question["qtype"]


def public_view(question: dict[str, Any]) -> dict[str, Any]:
    """What a device may see of a question before the reveal: no fraction, feedback or right answer."""
    kind = _kind(question)
    shown: dict[str, Any] = {"kind": kind, "text": question["text"]}
    if question["qtype"] == "multichoice":
        answers = {answer["id"]: answer for answer in question["data"].get("answers", [])}
        shown["choices"] = [{"id": i, "html": str(render_text(answers[i]["text"], answers[i].get(
            "format", question["text_format"])))} for i in question["order"] if i in answers]
    elif question["qtype"] == "truefalse":
        shown["choices"] = [{"id": "true", "html": _("True")}, {"id": "false", "html": _("False")}]
    return shown


def response_from(question: dict[str, Any], raw: Any) -> dict[str, Any]:  # noqa: ANN401
    """A device's answer as a stored response. `raw` is {"choice": id} (single choice, true/false as
    "true"/"false"), {"choices": [ids]} (multiple choice) or {"text": "12,5"} (numerical).

    Raises LiveQuestionError on an empty or unknown answer."""
    raw = raw if isinstance(raw, dict) else {}
    kind = _kind(question)
    if kind == "single":
        ids = {answer["id"] for answer in question["data"].get("answers", [])}
        choice = raw.get("choice")
        if not isinstance(choice, str) or choice not in ids:
            raise LiveQuestionError(_("Choose one of the answers shown."))
        return {"choice": choice}
    if kind == "multiple":
        ids = {answer["id"] for answer in question["data"].get("answers", [])}
        choices = raw.get("choices")
        if not isinstance(choices, list) or not choices or not all(isinstance(c, str) and c in ids for c in choices):
            raise LiveQuestionError(_("Choose one or more of the answers shown."))
        return {"choices": list(dict.fromkeys(choices))}
    if kind == "truefalse":
        if raw.get("choice") not in ("true", "false"):
            raise LiveQuestionError(_("Choose True or False."))
        return {"value": raw["choice"] == "true"}
    text = raw.get("text")
    if not isinstance(text, str) or parse_number(text) is None or len(text) > 50:
        raise LiveQuestionError(_("Type a number, for example 12 or 12,5."))
    return {"text": text.strip()}


def grade(question: dict[str, Any], response: dict[str, Any]) -> float:
    """The fraction (0 to 1) the question engine gives this response."""
    return float(question_type_for(question["qtype"]).grade(question["data"], response).fraction or 0.0)


def right_answer(question: dict[str, Any]) -> dict[str, Any]:
    """What the reveal shows as right: choice ids (choices, true/false) and texts."""
    data = question["data"]
    if question["qtype"] == "multichoice":
        ids = [a["id"] for a in data.get("answers", []) if Decimal(str(a.get("fraction") or 0)) > 0]
        return {"choices": ids, "texts": question_type_for("multichoice").right_answers(data)}
    if question["qtype"] == "truefalse":
        value = "true" if data.get("correct") else "false"
        return {"choices": [value], "texts": [_("True") if value == "true" else _("False")]}
    return {"choices": [], "texts": question_type_for(question["qtype"]).right_answers(data)}


def distribution(question: dict[str, Any], responses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """How many devices picked each choice (in the order shown), or, for a numerical question, each
    value typed (most frequent first, at most 8 rows, the rest as "other")."""
    if question["qtype"] in ("multichoice", "truefalse"):
        counts = question_type_for(question["qtype"]).distribution(question["data"], responses)
        right = set(right_answer(question)["choices"])
        return [{"id": choice["id"], "html": choice["html"], "count": counts.get(choice["id"], 0),
                 "right": choice["id"] in right} for choice in public_view(question)["choices"]]
    values: Counter[str] = Counter()
    for response in responses:
        number = parse_number(response.get("text", ""))
        values[f"{number.normalize():f}" if number is not None else "?"] += 1
    rows = [{"id": value, "html": value, "count": count,
             "right": grade(question, {"text": value}) >= 0.999999}
            for value, count in values.most_common(8)]
    other = sum(values.values()) - sum(row["count"] for row in rows)
    if other:
        rows.append({"id": "other", "html": _("Other values"), "count": other, "right": False})
    return rows
