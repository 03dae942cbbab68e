"""The demo GIFT bank: a true/false question never tells a right answer "Sai" nor a wrong one "Đúng"
(Moodle's order: the first feedback is for a wrong answer, the second for a right one)."""

from __future__ import annotations

from pathlib import Path

from quizzes.formats.gift import parse_gift

BANK = Path(__file__).resolve().parent.parent / "demo_data" / "tin_hoc_co_ban.gift"


def test_true_false_feedback_matches_the_answer_given():
    result = parse_gift(BANK.read_text(encoding="utf-8"))
    checked = 0
    for question in result.questions:
        if question.type != "truefalse":
            continue
        right, wrong = ((question.feedback_true, question.feedback_false) if question.correct
                        else (question.feedback_false, question.feedback_true))
        assert not right.startswith("Sai"), f"{question.title} (line {question.line}): a right answer is told {right!r}"
        assert not wrong.startswith("Đúng"), f"{question.title} (line {question.line}): a wrong answer is told {wrong!r}"
        checked += 1
    assert checked >= 3
