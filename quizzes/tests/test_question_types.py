"""The question-type registry: one registered class per type, grading and answer distribution."""

import random
import unicodedata

import pytest

from quizzes.bank import data_from_parsed, normalise_data, parsed_from_version
from quizzes.exceptions import AnswerRefused
from quizzes.models import QuestionType, QuestionVersion
from quizzes.question_types import BLANK, CORRECT, WRONG, PostedFields, question_type_for, question_types

MULTI = normalise_data("multichoice", {"single": True, "answers": [
    {"text": "Word", "fraction": "1"}, {"text": "Excel", "fraction": "0"}, {"text": "Paint", "fraction": "0"}]})
SEVERAL = normalise_data("multichoice", {"single": False, "answers": [
    {"text": "A", "fraction": "0.5"}, {"text": "B", "fraction": "0.5"}, {"text": "C", "fraction": "-1"}]})


def _refuse(message: str) -> AnswerRefused:
    return AnswerRefused("invalid", message)


def test_every_model_type_has_exactly_one_registered_class():
    assert set(question_types()) == set(QuestionType.values)
    assert {kind.name for kind in question_types().values()} == set(QuestionType.values)


def test_distribution_counts_single_choice_answers_per_choice_in_display_order():
    responses = [{"choice": "a1"}, {"choice": "a2"}, {"choice": "a1"}, None, {"choice": "zz"}]
    counts = question_type_for("multichoice").distribution(MULTI, responses)
    assert counts == {"a1": 2, "a2": 1, "a3": 0, BLANK: 2}
    assert list(counts)[:3] == ["a1", "a2", "a3"]


def test_distribution_counts_each_choice_of_a_multiple_response():
    counts = question_type_for("multichoice").distribution(SEVERAL, [{"choices": ["a1", "a2"]}, {"choices": ["a2"]}])
    assert counts == {"a1": 1, "a2": 2, "a3": 0, BLANK: 0}


def test_distribution_of_true_false_and_numerical():
    assert question_type_for("truefalse").distribution(
        {"correct": True}, [{"value": True}, {"value": False}, {"value": True}, {"value": None}]) == {
        "true": 2, "false": 1, BLANK: 1}
    data = normalise_data("numerical", {"answers": [{"text": "3.14", "tolerance": "0.01", "fraction": "1"},
                                                    {"text": "3", "tolerance": "0", "fraction": "0.5"}]})
    counts = question_type_for("numerical").distribution(data, [{"text": "3,141"}, {"text": "3"}, {"text": "7"}])
    assert counts == {"a1": 1, "a2": 1, "other": 1, BLANK: 0}


def test_grade_through_the_registry_matches_the_rules():
    kind = question_type_for("multichoice")
    assert kind.grade(MULTI, {"choice": "a1"}).state == CORRECT
    assert kind.grade(MULTI, {"choice": "a2"}).state == WRONG
    assert kind.grade(SEVERAL, {"choices": ["a1", "a2", "a3"]}).fraction == 0


def test_short_answer_typed_with_combining_accents_is_right():
    data = normalise_data("shortanswer", {"answers": [{"text": "Hà Nội", "fraction": "1"}]})
    typed = unicodedata.normalize("NFD", "hà nội")
    assert typed != "hà nội"
    assert question_type_for("shortanswer").grade(data, {"text": typed}).state == CORRECT


def test_posted_answers_are_stored_in_nfc():
    typed = unicodedata.normalize("NFD", "hà nội")
    response = question_type_for("shortanswer").response_build(
        data={}, order=[], fields=PostedFields({"text": typed}), refuse=_refuse)
    assert response == {"text": "hà nội"}


def test_an_unknown_choice_is_refused_with_a_message():
    with pytest.raises(AnswerRefused) as refused:
        question_type_for("multichoice").response_build(data=MULTI, order=[], fields=PostedFields({"choice": "zz"}),
                                                        refuse=_refuse)
    assert str(refused.value)
    with pytest.raises(AnswerRefused):
        question_type_for("description").response_build(data={}, order=[], fields=PostedFields({}), refuse=_refuse)


def test_order_is_drawn_per_type():
    rng = random.Random(1)
    assert sorted(question_type_for("multichoice").order_draw(data=MULTI, shuffle=True, rng=rng)) == ["a1", "a2", "a3"]
    assert question_type_for("multichoice").order_draw(data=MULTI, shuffle=False, rng=rng) == ["a1", "a2", "a3"]
    assert question_type_for("truefalse").order_draw(data={}, shuffle=True, rng=rng) == []


@pytest.mark.parametrize("qtype, data", [
    ("multichoice", MULTI),
    ("truefalse", {"correct": False, "feedback_true": "no", "feedback_false": "yes"}),
    ("shortanswer", normalise_data("shortanswer", {"case_sensitive": False, "accent_insensitive": True,
                                                   "answers": [{"text": "Ha Noi", "fraction": "1", "feedback": ""}]})),
    ("numerical", normalise_data("numerical", {"answers": [{"text": "2", "fraction": "1", "feedback": "",
                                                            "tolerance": "0.5", "min": None, "max": None}]})),
    ("matching", normalise_data("matching", {"shuffle": True, "pairs": [
        {"left": "PDF", "left_format": "moodle", "right": "tài liệu"},
        {"left": "XLSX", "left_format": "moodle", "right": "bảng tính"}]})),
])
def test_file_hooks_carry_the_type_data_there_and_back(qtype, data):
    version = QuestionVersion(qtype=qtype, text="Câu hỏi", text_format="moodle", title="T", data=data)
    back = data_from_parsed(parsed_from_version(version))
    kind = question_type_for(qtype)
    assert kind.right_answers(back) == kind.right_answers(data)
    for key in ("single", "correct", "accent_insensitive", "case_sensitive"):
        assert back.get(key) == data.get(key)
