"""Matching: each item on the left is paired with one of the right-hand texts (an empty left is a
wrong choice offered on the right only)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizzes.formats import ParsedPair, ParsedQuestion
from quizzes.question_types.editing import pair_rows_add, pair_rows_read
from quizzes.question_types.base import UNANSWERED, Grade, PostedFields, QuestionTypeBase, register, state_of


def _rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [pair for pair in data.get("pairs", []) if pair.get("left")]


@register
class Matching(QuestionTypeBase):
    name = "matching"
    template = "quizzes/question_types/matching.html"

    def response_build(self, *, data: dict[str, Any], order: list[str], fields: PostedFields,
                       refuse: Callable[[str], Exception]) -> dict[str, Any]:
        rights = set(order) | {pair["right"] for pair in data.get("pairs", [])}
        pairs = {}
        for pair in _rows(data):
            value = fields.get(f"match-{pair['id']}")
            if value and value not in rights:
                raise refuse(_("This matching choice is not valid."))
            pairs[pair["id"]] = value or None
        return {"pairs": pairs}

    def response_fits(self, *, data: dict[str, Any], response: dict[str, Any] | None) -> bool:
        ids = {pair["id"] for pair in data.get("pairs", [])}
        return all(key in ids for key in ((response or {}).get("pairs") or {}))

    def order_draw(self, *, data: dict[str, Any], shuffle: bool, rng: random.Random) -> list[str]:
        rights = list(dict.fromkeys(pair["right"] for pair in data.get("pairs", [])))
        rng.shuffle(rights)  # right-hand choices are always shuffled, as in Moodle
        return rights

    def is_blank(self, response: dict[str, Any] | None) -> bool:
        return not response or not any((response.get("pairs") or {}).values())

    def grade(self, data: dict[str, Any], response: dict[str, Any] | None) -> Grade:
        rows = _rows(data)
        chosen = (response or {}).get("pairs") or {}
        if not rows or not any(chosen.values()):
            return Grade(0.0, UNANSWERED, [])
        right = [pair["id"] for pair in rows if chosen.get(pair["id"]) == pair["right"]]
        fraction = len(right) / len(rows)
        return Grade(fraction, state_of(fraction), [], tuple(right))

    def right_answers(self, data: dict[str, Any]) -> list[str]:
        return [f"{pair['left']} → {pair['right']}" for pair in _rows(data)]

    def distribution_keys(self, data: dict[str, Any]) -> list[str]:
        return [pair["id"] for pair in _rows(data)]

    def distribution_of(self, data: dict[str, Any], response: dict[str, Any] | None) -> list[str]:
        """The pairs matched right (a response with none right counts as "other")."""
        return super().distribution_of(data, response)

    def show_for_attempt(self, shown: dict[str, Any], *, data: dict[str, Any], order: list[str],
                         response: dict[str, Any], render: Callable[[str, str], str], text_format: str) -> None:
        pairs = response.get("pairs") or {}
        shown["rights"] = order or sorted({pair["right"] for pair in data.get("pairs", [])})
        shown["rows"] = [{"id": pair["id"], "html": render(pair["left"], pair.get("left_format", text_format)),
                          "selected": pairs.get(pair["id"]) or ""} for pair in _rows(data)]

    def form_fields_add(self, form: Any, *, data: dict[str, Any]) -> None:  # noqa: ANN401
        pair_rows_add(form, data=data)

    def form_data(self, form: Any, cleaned: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN401
        pairs = pair_rows_read(form, cleaned)
        if sum(1 for p in pairs if p["left"]) < 2:
            form.add_error(None, gettext_lazy("Give at least two pairs."))
        return {"pairs": pairs, "shuffle": True}

    def demo_fields(self, data: dict[str, Any], *, right: bool, rng: random.Random) -> dict[str, Any]:
        pairs = _rows(data)
        rights = [p["right"] for p in pairs]
        if not right:
            rights = rights[1:] + rights[:1]
        return {f"match-{p['id']}": r for p, r in zip(pairs, rights, strict=True)}

    def data_from_parsed(self, parsed: ParsedQuestion) -> dict[str, Any]:
        return {"shuffle": True, "pairs": [{"left": p.left, "left_format": p.left_format, "right": p.right}
                                           for p in parsed.pairs]}

    def parsed_fill(self, question: ParsedQuestion, *, data: dict[str, Any], text_format: str) -> None:
        question.pairs = [ParsedPair(left=p.get("left", ""), right=p["right"],
                                     left_format=p.get("left_format", text_format))
                          for p in data.get("pairs", [])]
