"""Fuzzing: whatever the text, the parsers return or raise FormatParseError, nothing else.

Random text rarely gets past the first checks, so most inputs are valid files with random
edits (inserted control characters, deleted spans, joined or split lines).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.formats import (
    QUESTION_TYPES,
    TEXT_FORMATS,
    AikenResult,
    FormatParseError,
    GiftResult,
    ParsedQuestion,
    parse_aiken,
    parse_gift,
    serialize_aiken,
    serialize_gift,
)


@pytest.fixture(autouse=True)
def _fast_hasher() -> None:
    """Stand in for the project-wide autouse fixture that tunes Django settings.

    These tests are plain Python and run without the Django plugin, where that fixture's
    ``settings`` dependency does not exist.
    """


FUZZ = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

GIFT_SEEDS = [
    "// [id:1] [tag:luật]\n::Câu 1::Ai tổ chức thi hành án?{\n"
    "\t=Cơ quan THADS#Đúng\n\t~Toà án#Sai\n\t####Xem Điều 13\n}",
    "$CATEGORY: $course$/top/Đề 1\n\nNgười phải thi hành án có {~7 =15 ~30} ngày tự nguyện.",
    "::TF::[html]<p>Án phí được miễn?</p>{FALSE#Chưa đúng#Đúng####Giải thích}",
    "Chọn tất cả\\: {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}",
    "Số ngày? {#\n=%100%15:0#Đúng\n=%50%10..20\n~#Sai\n}",
    "Ghép đôi {\n=Hà Nội -> Việt Nam\n=[html]<b>Viên</b> -> Áo\n= -> Thừa\n}",
    "Cơ quan {=Chi cục THADS =%50%THADS#gần đúng} có thẩm quyền.",
    "[markdown]Trình bày **quy trình** \\{ \\} \\n \\\\ {####Gợi ý}",
    "Phần I — giới thiệu",
    "Grant is buried in Grant's tomb.{T}\n\nWho's buried?{=no one =nobody}",
]

AIKEN_SEEDS = [
    "Cơ quan nào thi hành án?\nA. Toà án\nB. Cơ quan THADS\nC) Viện kiểm sát\nANSWER: B",
    "Câu 1?\r\nA) a\r\nB) b\r\nANSWER: A\r\n\r\nCâu 2?\nA.x\nB.y\nC.z\nANSWER: c\n",
]

GIFT_PIECES = [
    "{", "}", "~", "=", "#", "####", "->", "::", "\\", "\\\\", "\n", "\n\n", "%", "%50%", "%-100%",
    "%150%", "..", ":", "[html]", "[markdown]", "[", "]", "//", "$CATEGORY:", "T", "FALSE", "*",
    "#3:0.5", "1e999999", "-", "ố", "\r", "\t", " ", "\x00", "\ue000", "\ufeff",
]
AIKEN_PIECES = ["A. ", "B) ", "Z.", "ANSWER: ", "ANSWER: A", "ANSWER: z", "\n", "\r\n", "\n\n", " ", "?", "ố", "\x0b"]


@st.composite
def _mutated(draw: st.DrawFn, seeds: list[str], pieces: list[str]) -> str:
    text = "\n\n".join(draw(st.lists(st.sampled_from(seeds), min_size=1, max_size=3)))
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        if action == "insert":
            text = text[:position] + draw(st.sampled_from(pieces)) + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 6)) :]
        else:
            text = text[:position] + draw(st.sampled_from(pieces)) + text[position + 1 :]
    return text


_gift_like = st.lists(st.sampled_from(GIFT_PIECES + ["a", "B", "1", "đ"]), max_size=40).map("".join)
_gift_inputs = st.one_of(st.text(max_size=200), _gift_like, _mutated(GIFT_SEEDS, GIFT_PIECES))
_aiken_inputs = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(AIKEN_PIECES + ["Câu hỏi?", "a", "1"]), max_size=30).map("".join),
    _mutated(AIKEN_SEEDS, AIKEN_PIECES),
)


def _line_count(text: str) -> int:
    return len(re.split(r"\r\n|\r|\n", text))


def _check_question(question: ParsedQuestion) -> None:
    assert question.type in QUESTION_TYPES
    assert question.text_format in TEXT_FORMATS
    for answer in question.answers:
        assert isinstance(answer.fraction, Decimal) and -1 <= answer.fraction <= 1
        assert answer.text_format in TEXT_FORMATS and answer.feedback_format in TEXT_FORMATS


def _parse_gift_anyhow(text: str | bytes, strict: bool) -> GiftResult | None:
    try:
        return parse_gift(text, strict=strict)
    except FormatParseError as error:
        assert strict, "lenient parsing must collect errors, not raise"
        assert isinstance(error.line, int) and error.line >= 1
        assert error.message.startswith(f"Dòng {error.line}: ")
        return None


def _parse_aiken_anyhow(text: str | bytes, strict: bool) -> AikenResult | None:
    try:
        return parse_aiken(text, strict=strict)
    except FormatParseError as error:
        assert strict, "lenient parsing must collect errors, not raise"
        assert error.line >= 1 and error.message.startswith(f"Dòng {error.line}: ")
        return None


@FUZZ
@given(_gift_inputs)
def test_gift_parser_only_raises_format_errors(text: str) -> None:
    lenient = _parse_gift_anyhow(text, strict=False)
    assert lenient is not None
    for error in lenient.errors:
        assert 1 <= error.line <= _line_count(text)
    for question in lenient.questions:
        _check_question(question)
        assert 1 <= question.line <= _line_count(text)
    strict = _parse_gift_anyhow(text, strict=True)
    if lenient.errors:
        assert strict is None
    else:
        assert strict is not None and strict.questions == lenient.questions


@FUZZ
@given(_gift_inputs)
def test_gift_what_was_read_is_written_back_the_same(text: str) -> None:
    questions = parse_gift(text, strict=False).questions
    try:
        written = serialize_gift(questions)
    except ValueError:
        return  # e.g. a short answer containing '->' that Moodle read from an '='-less block
    again = parse_gift(written)
    assert again.errors == []
    assert again.questions == questions


@FUZZ
@given(_aiken_inputs)
def test_aiken_parser_only_raises_format_errors(text: str) -> None:
    lenient = _parse_aiken_anyhow(text, strict=False)
    assert lenient is not None
    for error in lenient.errors:
        assert 1 <= error.line <= _line_count(text)
    for question in lenient.questions:
        _check_question(question)
        assert question.single and sum(answer.fraction for answer in question.answers) == 1
    strict = _parse_aiken_anyhow(text, strict=True)
    if lenient.errors:
        assert strict is None
    else:
        assert strict is not None and strict.questions == lenient.questions
        assert parse_aiken(serialize_aiken(strict.questions, skip_unsupported=True)).questions == strict.questions


@FUZZ
@given(st.binary(max_size=200))
def test_bytes_input(data: bytes) -> None:
    for strict in (True, False):
        _parse_gift_anyhow(data, strict)
        _parse_aiken_anyhow(data, strict)
