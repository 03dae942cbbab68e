"""Aiken reader and writer: Moodle behaviour, bad input with line numbers, round trips."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.formats import FormatParseError, ParsedAnswer, ParsedQuestion, parse_aiken, serialize_aiken


@pytest.fixture(autouse=True)
def _fast_hasher() -> None:
    """Stand in for the project-wide autouse fixture that tunes Django settings.

    These tests are plain Python and run without the Django plugin, where that fixture's
    ``settings`` dependency does not exist.
    """


GOOD = (
    "Cơ quan nào tổ chức thi hành án dân sự?\r\n"  # 1
    "A. Toà án nhân dân\r\n"  # 2
    "B. Cơ quan thi hành án dân sự\r\n"  # 3
    "C) Viện kiểm sát\r\n"  # 4
    "ANSWER: B\r\n"  # 5
    "\r\n"  # 6
    "   Thời hạn tự nguyện thi hành án là bao nhiêu ngày?   \n"  # 7
    "A)10 ngày\n"  # 8
    "B)\t15 ngày\n"  # 9
    "ANSWER:A\n"  # 10
)


def test_reads_questions() -> None:
    result = parse_aiken(GOOD)
    assert result.errors == []
    first, second = result.questions
    assert (first.type, first.single, first.line) == ("multichoice", True, 1)
    assert first.text == "Cơ quan nào tổ chức thi hành án dân sự?"
    assert [(a.text, a.fraction) for a in first.answers] == [
        ("Toà án nhân dân", Decimal(0)),
        ("Cơ quan thi hành án dân sự", Decimal(1)),
        ("Viện kiểm sát", Decimal(0)),
    ]
    assert {first.text_format, *(a.text_format for a in first.answers)} == {"plain"}
    assert (second.line, second.text) == (7, "Thời hạn tự nguyện thi hành án là bao nhiêu ngày?")
    assert [(a.text, a.fraction) for a in second.answers] == [("10 ngày", 1), ("15 ngày", 0)]


def test_texts_are_kept_literally_and_bytes_are_accepted() -> None:
    source = "Ký hiệu <b> & {x} = ~#?\nA. <i>\nB. a & b\nANSWER: b\n".encode()
    question = parse_aiken(b"\xef\xbb\xbf" + source).questions[0]
    assert question.text == "Ký hiệu <b> & {x} = ~#?"
    assert [a.text for a in question.answers] == ["<i>", "a & b"]
    assert question.answers[1].fraction == 1  # a lower-case answer letter is accepted


BAD_AIKEN = [
    pytest.param("Câu 1?\nA. a\nB. b\n\nCâu 2?\nA. c\nB. d\nANSWER: A\n", 1, "thiếu dòng 'ANSWER", id="no-answer-line"),
    pytest.param(
        "Câu 1?\nA. a\nB. b\nANSWER: A\n\nCâu 2?\nA. c\nB. d\n", 6, "thiếu dòng 'ANSWER", id="no-answer-at-end"
    ),
    pytest.param(
        "Câu 1?\nA. a\nB. b\nC. c\nD. d\nANSWER: E\n", 6, "'E' không có trong các phương án (A–D)", id="answer-missing"
    ),
    pytest.param("Câu 1?\nA. a\nANSWER: A\n", 1, "ít nhất 2 phương án", id="one-option"),
    pytest.param("Câu 1?\nANSWER: A\n", 1, "ít nhất 2 phương án", id="no-option"),
    pytest.param("Câu 1?\nA. a\nC. c\nB. b\nANSWER: A\n", 3, "cần 'B' nhưng gặp 'C'", id="options-out-of-order"),
    pytest.param("Câu 1?\nA. a\nB)   \nANSWER: A\n", 3, "phương án B không có nội dung", id="empty-option"),
    pytest.param("A. a\nB. b\nANSWER: A\n", 1, "không thuộc câu hỏi nào", id="options-before-question"),
    pytest.param("ANSWER: A\n", 1, "dòng ANSWER không thuộc câu hỏi nào", id="answer-outside-question"),
    pytest.param("Câu 1?\nA. a\nB. b\nANSWER: A, B\n", 4, "đúng một chữ cái", id="several-answers"),
    pytest.param(
        "Câu hỏi dài\nxuống dòng?\nA. a\nB. b\nANSWER: A\n", 1, "phải nằm trên một dòng", id="two-line-question"
    ),
]


@pytest.mark.parametrize(("source", "line", "fragment"), BAD_AIKEN)
def test_bad_aiken_strict_raises_with_line(source: str, line: int, fragment: str) -> None:
    with pytest.raises(FormatParseError) as caught:
        parse_aiken(source)
    assert caught.value.line == line
    assert fragment in caught.value.detail
    assert str(caught.value) == f"Dòng {line}: {caught.value.detail}"


@pytest.mark.parametrize(("source", "line", "fragment"), BAD_AIKEN)
def test_bad_aiken_lenient_keeps_good_questions(source: str, line: int, fragment: str) -> None:
    before = "Câu trước?\nA. x\nB. y\nANSWER: B\n\n"
    after = "\nCâu sau?\nA. x\nB. y\nANSWER: A\n"
    result = parse_aiken(before + source + after, strict=False)
    assert [error.line for error in result.errors] == [line + 5]
    assert fragment in result.errors[0].detail
    texts = [question.text for question in result.questions]
    assert texts[0] == "Câu trước?" and texts[-1] == "Câu sau?"


def test_lenient_collects_all_errors_sorted() -> None:
    source = "\n".join(
        [
            "Câu 1?",  # 1: never answered
            "A. a",
            "B. b",
            "Câu 2?",  # 4: good
            "A. a",
            "B. b",
            "ANSWER: B",
            "Câu 3?",  # 8
            "A. a",
            "B. b",
            "ANSWER: C",  # 11: no such option
        ]
    )
    result = parse_aiken(source, strict=False)
    assert [question.line for question in result.questions] == [4]
    assert [(error.line, error.message.split(":")[0]) for error in result.errors] == [(1, "Dòng 1"), (11, "Dòng 11")]


def _question(text: str, options: list[str], right: int) -> ParsedQuestion:
    return ParsedQuestion(
        type="multichoice",
        text=text,
        text_format="plain",
        general_feedback_format="plain",
        answers=[
            ParsedAnswer(option, Decimal(int(index == right)), text_format="plain", feedback_format="plain")
            for index, option in enumerate(options)
        ],
    )


def test_round_trip_vietnamese() -> None:
    questions = [
        _question(
            "Điều 1: phạm vi {điều chỉnh} = ~# của Luật THADS?",
            ["Án dân sự", "Án hình sự: phần dân sự", "Cả hai"],
            2,
        ),
        _question("ANSWER là gì? A. không phải phương án", ["A. thật ra là nội dung", "B) cũng vậy"], 0),
    ]
    written = serialize_aiken(questions)
    assert written.splitlines()[:4] == [
        "Điều 1: phạm vi {điều chỉnh} = ~# của Luật THADS?",
        "A) Án dân sự",
        "B) Án hình sự: phần dân sự",
        "C) Cả hai",
    ]
    assert parse_aiken(written).questions == questions


@pytest.mark.parametrize(
    "question",
    [
        ParsedQuestion(type="truefalse", text="Đúng?", correct=True),
        ParsedQuestion(
            type="multichoice",
            text="Nhiều đáp án",
            single=False,
            answers=[ParsedAnswer("a", Decimal("0.5")), ParsedAnswer("b", Decimal("0.5"))],
        ),
        ParsedQuestion(type="multichoice", text="Một phương án", answers=[ParsedAnswer("a", Decimal(1))]),
        ParsedQuestion(
            type="multichoice",
            text="Điểm một phần",
            answers=[ParsedAnswer("a", Decimal(1)), ParsedAnswer("b", Decimal("0.5"))],
        ),
        _question("A. trông như phương án", ["a", "b"], 0),
        _question("ANSWER: trông như dòng đáp án", ["a", "b"], 0),
        _question("Phương án trống", ["a", "  "], 0),
    ],
    ids=[
        "truefalse",
        "multiple-response",
        "one-option",
        "partial-credit",
        "text-like-option",
        "text-like-answer",
        "empty-option",
    ],
)
def test_serialize_rejects_what_aiken_cannot_express(question: ParsedQuestion) -> None:
    with pytest.raises(ValueError):
        serialize_aiken([question])
    assert serialize_aiken([question], skip_unsupported=True) == ""


def test_serialize_joins_lines() -> None:
    question = _question("Dòng một\n  dòng hai", ["a\nb", "c"], 1)
    assert serialize_aiken([question]) == "Dòng một dòng hai\nA) a b\nB) c\nANSWER: B\n"


_line = st.text(alphabet="abcxyz ĐđÂâĂăƠơƯưẠạẾếỗ0123456789.,;:!?()[]{}~=#%<>&-*\t", min_size=1, max_size=20).map(
    lambda text: text.strip(" \t")
)


@st.composite
def _aiken_questions(draw: st.DrawFn) -> ParsedQuestion:
    options = draw(st.lists(_line.filter(bool), min_size=2, max_size=6))
    text = draw(_line.filter(lambda t: len(t.encode()) >= 2 and not t.startswith("ANSWER:")))
    if text[:1].isupper() and text[1:2] in (".", ")"):
        text = "Q " + text
    return _question(text, options, draw(st.integers(0, len(options) - 1)))


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_aiken_questions(), min_size=1, max_size=4))
def test_generated_round_trip(questions: list[ParsedQuestion]) -> None:
    read = parse_aiken(serialize_aiken(questions))
    assert read.errors == []
    assert read.questions == questions
