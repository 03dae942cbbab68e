"""Automatic grading, one block per question type (pure functions, no database)."""

from __future__ import annotations

import pytest

from quizzes import grading
from quizzes.bank import normalise_data


def mc(single=True, fractions=("1", "0", "0")):  # noqa: ANN001, ANN201
    return normalise_data("multichoice", {"single": single, "answers": [
        {"text": f"choice {i}", "fraction": f, "feedback": f"fb{i}"} for i, f in enumerate(fractions)]})


def test_single_choice_right_wrong_and_blank():
    data = mc()
    assert grading.grade_multichoice(data, {"choice": "a1"}).fraction == 1
    assert grading.grade_multichoice(data, {"choice": "a1"}).state == grading.CORRECT
    assert grading.grade_multichoice(data, {"choice": "a2"}).fraction == 0
    assert grading.grade_multichoice(data, {"choice": "a2"}).feedback == ["fb1"]
    assert grading.grade_multichoice(data, {}).state == grading.UNANSWERED
    assert grading.grade_multichoice(data, {"choice": "zz"}).state == grading.UNANSWERED


def test_single_choice_negative_weight_is_clamped_to_zero():
    data = mc(fractions=("1", "-0.5"))
    assert grading.grade_multichoice(data, {"choice": "a2"}).fraction == 0


def test_multiple_choice_partial_credit_and_negative_weights_clamp_to_0_1():
    data = mc(single=False, fractions=("0.5", "0.5", "-1", "-0.3333333"))
    assert grading.grade_multichoice(data, {"choices": ["a1"]}).fraction == pytest.approx(0.5)
    assert grading.grade_multichoice(data, {"choices": ["a1"]}).state == grading.PARTIAL
    assert grading.grade_multichoice(data, {"choices": ["a1", "a2"]}).fraction == pytest.approx(1)
    assert grading.grade_multichoice(data, {"choices": ["a1", "a2", "a4"]}).fraction == pytest.approx(0.6666667)
    assert grading.grade_multichoice(data, {"choices": ["a1", "a3"]}).fraction == 0
    assert grading.grade_multichoice(data, {"choices": ["a1", "a2", "a3", "a4"]}).fraction == 0
    # Picking the same choice twice counts it once.
    assert grading.grade_multichoice(data, {"choices": ["a1", "a1"]}).fraction == pytest.approx(0.5)


def test_multiple_choice_total_above_one_is_clamped():
    data = mc(single=False, fractions=("1", "0.5"))
    assert grading.grade_multichoice(data, {"choices": ["a1", "a2"]}).fraction == 1


def test_true_false_with_feedback_per_answer():
    data = {"correct": False, "feedback_true": "sai rồi", "feedback_false": "đúng rồi"}
    right = grading.grade_truefalse(data, {"value": False})
    wrong = grading.grade_truefalse(data, {"value": True})
    assert (right.fraction, right.feedback) == (1, ["đúng rồi"])
    assert (wrong.fraction, wrong.feedback) == (0, ["sai rồi"])
    assert grading.grade_truefalse(data, {"value": None}).state == grading.UNANSWERED


@pytest.mark.parametrize(("pattern", "text", "options", "expected"), [
    ("Chữ ký số", "chữ ký số", {}, True),
    ("Chữ ký số", "  CHỮ   KÝ SỐ ", {}, True),
    ("Chữ ký số", "chu ky so", {}, False),
    ("Chữ ký số", "chu ky so", {"accent_insensitive": True}, True),
    ("Đăng nhập", "dang nhap", {"accent_insensitive": True}, True),
    ("Word", "word", {"case_sensitive": True}, False),
    ("Nghị định * 2020", "nghị định 30 năm 2020", {}, True),
    ("Nghị định * 2020", "nghị định 30 năm 2021", {}, False),
    ("*.docx", "baocao.docx", {}, True),
    ("a.c", "abc", {}, False),  # only * is special
    ("(x)", "(x)", {}, True),
])
def test_short_answer_matching(pattern, text, options, expected):  # noqa: ANN001
    assert grading.shortanswer_matches(pattern, text, **options) is expected


def test_short_answer_takes_the_first_matching_answer_in_order():
    data = normalise_data("shortanswer", {"answers": [
        {"text": "Excel", "fraction": "1", "feedback": "tốt"},
        {"text": "*", "fraction": "0.1", "feedback": "gần"}]})
    assert grading.grade_shortanswer(data, {"text": "excel"}).fraction == 1
    assert grading.grade_shortanswer(data, {"text": "calc"}).fraction == pytest.approx(0.1)
    assert grading.grade_shortanswer(data, {"text": ""}).state == grading.UNANSWERED


def test_numerical_tolerance_ranges_commas_and_wildcard():
    data = normalise_data("numerical", {"answers": [
        {"text": "3.14", "tolerance": "0.01", "fraction": "1"},
        {"text": "3", "tolerance": "0.5", "fraction": "0.5"},
        {"text": "5", "min": "10", "max": "20", "tolerance": "5", "fraction": "0.25"},
        {"text": "*", "fraction": "0", "feedback": "sai"}]})
    assert grading.grade_numerical(data, {"text": "3,141"}).fraction == 1
    assert grading.grade_numerical(data, {"text": "3.2"}).fraction == pytest.approx(0.5)
    assert grading.grade_numerical(data, {"text": "2.5"}).fraction == pytest.approx(0.5)
    assert grading.grade_numerical(data, {"text": "2.49"}).fraction == 0
    assert grading.grade_numerical(data, {"text": "20"}).fraction == pytest.approx(0.25)
    assert grading.grade_numerical(data, {"text": "9.99"}).feedback == ["sai"]
    assert grading.grade_numerical(data, {"text": "ba"}).state == grading.WRONG
    assert grading.parse_number("1 000") == 1000


def test_matching_gives_a_share_per_right_row_and_ignores_distractors():
    data = normalise_data("matching", {"pairs": [
        {"left": "IU03", "right": "Văn bản"}, {"left": "IU04", "right": "Bảng tính"},
        {"left": "IU05", "right": "Trình chiếu"}, {"left": "", "right": "Cơ sở dữ liệu"}]})
    full = {"pairs": {"p1": "Văn bản", "p2": "Bảng tính", "p3": "Trình chiếu"}}
    assert grading.grade_matching(data, full).fraction == 1
    two = {"pairs": {"p1": "Văn bản", "p2": "Bảng tính", "p3": "Cơ sở dữ liệu"}}
    assert grading.grade_matching(data, two).fraction == pytest.approx(2 / 3)
    assert grading.grade_matching(data, {"pairs": {}}).state == grading.UNANSWERED


def test_essay_needs_a_person_and_description_scores_nothing():
    assert grading.grade_essay({}, {"text": "Bài làm"}).fraction is None
    assert grading.grade_essay({}, {"text": "Bài làm"}).state == grading.NEEDS_GRADING
    assert grading.grade_essay({}, {"text": "  "}).state == grading.UNANSWERED
    assert grading.grade_description({}, None).fraction == 0


def test_right_answer_texts_for_the_review():
    assert grading.right_answer("multichoice", mc()) == ["choice 0"]
    assert grading.right_answer("numerical", {"answers": [{"id": "a1", "text": "3", "tolerance": "0.5",
                                                            "fraction": "1"}]}) == ["3 ± 0.5"]
