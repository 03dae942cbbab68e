"""The one place where live rounds talk to the quizzes question engine.

A live question is a snapshot of a quiz question (type, text, choices and the type's data with its
right answers), taken when the host opens the lobby. This module builds those snapshots, the public
view a device may see before the reveal (text and choice ids only), turns what a device sends into a
response, grades it and counts the answer distribution. Grading and counting go through the quizzes
question-type registry (`quizzes.question_types`); nothing else in contests calls it.
"""

from __future__ import annotations

import random
from typing import Any

from django.utils.translation import gettext as _

from quizzes.question_types import question_type_for
from quizzes.models import QuizSlot
from quizzes.presentation import render_text

def _live_type(question: dict[str, Any]) -> Any:  # noqa: ANN401
    return question_type_for(question["qtype"])


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
        if version is None or not question_type_for(version.qtype).live:
            raise LiveQuestionError(
                _("Question %(number)s is not single choice, multiple choice, true/false or numerical.")
                % {"number": number})
        data = version.data or {}
        order = question_type_for(version.qtype).order_draw(data=data, shuffle=True, rng=rng)
        snapshots.append({"version": version.pk, "qtype": version.qtype, "title": version.title,
                          "text": str(render_text(version.text, version.text_format)),
                          "text_format": version.text_format, "data": data, "order": order})
    return snapshots


def public_view(question: dict[str, Any]) -> dict[str, Any]:
    """What a device may see of a question before the reveal: no fraction, feedback or right answer."""
    kind = _live_type(question)
    shown: dict[str, Any] = {"kind": kind.live_kind(question["data"]), "text": question["text"]}
    choices = kind.live_choices(data=question["data"], order=question["order"], render=render_text,
                                text_format=question["text_format"])
    if choices:
        shown["choices"] = choices
    return shown


def response_from(question: dict[str, Any], raw: Any) -> dict[str, Any]:  # noqa: ANN401
    """A device's answer as a stored response. `raw` is {"choice": id} (single choice, true/false as
    "true"/"false"), {"choices": [ids]} (multiple choice) or {"text": "12,5"} (numerical).

    Raises LiveQuestionError on an empty or unknown answer."""
    return _live_type(question).live_response(question["data"], raw if isinstance(raw, dict) else {},
                                               LiveQuestionError)


def grade(question: dict[str, Any], response: dict[str, Any]) -> float:
    """The fraction (0 to 1) the question engine gives this response."""
    return float(_live_type(question).grade(question["data"], response).fraction or 0.0)


def right_answer(question: dict[str, Any]) -> dict[str, Any]:
    """What the reveal shows as right: choice ids (choices, true/false) and texts."""
    return _live_type(question).live_right(question["data"])


def distribution(question: dict[str, Any], responses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """How many devices picked each choice (in the order shown), or, for a numerical question, each
    value typed (most frequent first, at most 8 rows, the rest as "other")."""
    return _live_type(question).live_distribution(question["data"], responses,
                                                  public_view(question).get("choices", []))
