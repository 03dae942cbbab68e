"""Essay (graded by a person) and description (text only, no answer)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from quizzes.question_types.base import (
    NEEDS_GRADING,
    UNANSWERED,
    Grade,
    PostedFields,
    QuestionTypeBase,
    register,
)


DEMO_ANSWERS = (
    "Cần cập nhật ngay trong ngày, nhờ cán bộ phụ trách CNTT hỗ trợ khi phần mềm chậm.",
    "Máy tính cũ, mạng chậm; đề nghị đơn vị nâng cấp và tập huấn thêm.",
    "Ngắt mạng máy bị nhiễm, báo ngay người phụ trách CNTT, không trả tiền chuộc, khôi phục từ bản sao lưu.",
)


@register
class Essay(QuestionTypeBase):
    name = "essay"
    template = "quizzes/question_types/essay.html"
    marked_by_hand = True

    def demo_fields(self, data: dict[str, Any], *, right: bool, rng: random.Random) -> dict[str, Any]:
        return {"text": rng.choice(list(DEMO_ANSWERS))}

    def grade(self, data: dict[str, Any], response: dict[str, Any] | None) -> Grade:
        if not str((response or {}).get("text", "")).strip():
            return Grade(0.0, UNANSWERED, [])
        return Grade(None, NEEDS_GRADING, [])

    def distribution_keys(self, data: dict[str, Any]) -> list[str]:
        return []

    def distribution_of(self, data: dict[str, Any], response: dict[str, Any] | None) -> list[str]:
        return [""] if self.is_blank(response) else ["answered"]


@register
class Description(QuestionTypeBase):
    name = "description"
    gradable = False
    template = ""

    def response_build(self, *, data: dict[str, Any], order: list[str], fields: PostedFields,
                       refuse: Callable[[str], Exception]) -> dict[str, Any]:
        raise refuse(_("A description needs no answer."))

    def is_blank(self, response: dict[str, Any] | None) -> bool:
        return True

    def grade(self, data: dict[str, Any], response: dict[str, Any] | None) -> Grade:
        return Grade(0.0, UNANSWERED, [])

    def distribution_keys(self, data: dict[str, Any]) -> list[str]:
        return []

    def show_for_attempt(self, shown: dict[str, Any], *, data: dict[str, Any], order: list[str],
                         response: dict[str, Any], render: Callable[[str, str], str], text_format: str) -> None:
        """A description shows its text only."""
