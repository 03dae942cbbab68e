"""GIFT reader and writer: conformance with a public corpus, bad input, round trips.

The conformance corpus (51 GIFT files with the parse the gift-pegjs grammar expects, MIT
licensed) is public test data kept outside the repository; it is read in place, never
copied. Where Moodle reads a file differently from gift-pegjs, the test names the file in
``MOODLE_DIFFERS`` and checks Moodle's result instead.
"""

from __future__ import annotations

import copy
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.formats import (
    TEXT_FORMATS,
    FormatParseError,
    ParsedAnswer,
    ParsedPair,
    ParsedQuestion,
    parse_gift,
    serialize_gift,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("THADS_SHARED_DIR", REPO_ROOT.parent / "shared")) / "external" / "gift-pegjs"
CORPUS_FILES = sorted(path.name for path in CORPUS.glob("*.gift")) if CORPUS.is_dir() else []

TRIM = " \t\n\r\0\x0b"  # what Moodle (PHP trim) strips around every line and text


@pytest.fixture(autouse=True)
def _fast_hasher() -> None:
    """Stand in for the project-wide autouse fixture that tunes Django settings.

    These tests are plain Python and run without the Django plugin, where that fixture's
    ``settings`` dependency does not exist.
    """


# --------------------------------------------------------------------------------------
# 1. Conformance with the gift-pegjs corpus
# --------------------------------------------------------------------------------------

# Moodle reads every line of a question trimmed and joins the lines with a line break,
# which FORMAT_MOODLE shows as a <br>; gift-pegjs joins lines of moodle-format text with a
# space and keeps the original indentation and trailing spaces of html/markdown lines.
_LINE_JOIN = (
    "Moodle keeps the line break between the lines of a multi-line text (shown as <br> in "
    "Moodle auto-format); gift-pegjs joins the lines with a space"
)
_LINE_TRIM = (
    "Moodle trims every line of the file before reading a question, so leading indentation "
    "and trailing spaces of each line are lost; gift-pegjs keeps them"
)

MOODLE_DIFFERS: dict[str, str] = {
    "TFTwoFeedback.gift": (
        "In {TRUE#a#b} Moodle shows a to students who answer wrongly (false) and b to those "
        "who answer rightly (true); gift-pegjs labels the first feedback trueFeedback "
        "whatever the right answer is. Questions 2 and 3 are TRUE, so the feedbacks swap."
    ),
    "escapeAll.gift": _LINE_JOIN + " (last answer's feedback).",
    "giftFormatPhpExamples.gift": _LINE_JOIN + " (matching stem, numerical feedback).",
    "markdown.gift": _LINE_TRIM + ": the markdown line-break spaces and the nested list indent.",
    "multiLineFeedback1.gift": _LINE_JOIN + " (answer feedback and general feedback).",
    "options1.gift": _LINE_JOIN + " (two stems and the last feedback).",
    "symbolsAll.gift": _LINE_JOIN + " (stem) and drops the trailing space of the first line.",
    "totara_moodle_pre_content.gift": _LINE_TRIM + ": the indentation inside <pre>.",
    "type_inferred_multiline_markdown.gift": _LINE_TRIM + ": the markdown line-break spaces.",
}

# The Moodle result for each MOODLE_DIFFERS file, as changes to the gift-pegjs expectation:
# (question index among non-category items, key path in the comparable view, Moodle value).
MOODLE_PATCHES: dict[str, list[tuple[int, tuple[Any, ...], Any]]] = {
    "TFTwoFeedback.gift": [
        (1, ("feedback_true",), None),
        (1, ("feedback_false",), ("moodle", "feedback for true")),
        (2, ("feedback_true",), ("moodle", "feedback for false")),
        (2, ("feedback_false",), None),
    ],
    "escapeAll.gift": [
        (
            0,
            ("answers", 6, "feedback"),
            (
                "moodle",
                "Correct! \\ (backslash) is not a control character. BUT,\n"
                "it is used to escape the control characters.",
            ),
        ),
    ],
    "giftFormatPhpExamples.gift": [
        (5, ("stem",), ("moodle", "Match the following countries with their corresponding\ncapitals.")),
        (9, ("answers", 1, "feedback"), ("moodle", "He was born in 1822.\nYou get 50% credit for being close.")),
    ],
    "markdown.gift": [
        (1, ("stem",), ("markdown", "multiline2\nmarkdown")),
        (2, ("stem",), ("markdown", "nested lists\n- item 1\n- nested item 1\n- item 2")),
    ],
    "multiLineFeedback1.gift": [
        (0, ("general_feedback",), ("moodle", "Global feedback split\non multiple lines")),
        (0, ("answers", 1, "feedback"), ("moodle", "feedback comment on this wrong answer\non multiple lines")),
    ],
    "options1.gift": [
        (1, ("stem",), ("moodle", "Japanese characters originally\ncame from what country?")),
        (
            2,
            ("stem",),
            ("moodle", "The American holiday of Thanksgiving is\ncelebrated on the _____ Thursday of November."),
        ),
        (
            13,
            ("answers", 5, "feedback"),
            (
                "moodle",
                "Correct! \\ (backslash) is not a control character. BUT,\n"
                "it is used to escape the control characters. So, to specify\n"
                "a literal backslash, you must escape it with a backslash\n"
                "(as shown in this example).",
            ),
        ),
    ],
    "symbolsAll.gift": [
        (
            0,
            ("stem",),
            ("moodle", "Here's a question that has symbols inside,\nsuch as `-=[];',./~!@#$%^&*()_+{}|:\"<>?"),
        ),
    ],
    "totara_moodle_pre_content.gift": [
        (
            0,
            ("stem",),
            (
                "html",
                "<p>What would running the test method print?</p>\n<pre>\npublic void test() {\n"
                "method1();\nmethod2();\nmethod3();\n}\n</pre>",
            ),
        ),
    ],
    "type_inferred_multiline_markdown.gift": [
        (0, ("stem",), ("markdown", "stem line1\nstem line2")),
        (0, ("answers", 0, "text"), ("markdown", "answer1 line1\nanswer1 line2")),
        (0, ("answers", 1, "text"), ("markdown", "answer2 line1\nanswer2 line2")),
    ],
}

_TYPE_NAMES = {
    "multichoice": "MC",
    "truefalse": "TF",
    "shortanswer": "Short",
    "numerical": "Numerical",
    "matching": "Matching",
    "essay": "Essay",
    "description": "Description",
}


def _pegjs_rich(value: dict | None) -> tuple[str, str] | None:
    """A gift-pegjs ``{"format", "text"}`` as ``(format, text)``; empty feedback is ``None``."""
    if not value or not value.get("text"):
        return None
    return (value["format"], value["text"])


def _pegjs_fraction(choice: dict) -> Decimal:
    """gift-pegjs keeps ``=`` as isCorrect and ``%n%`` as weight; Moodle keeps one fraction."""
    if choice.get("weight") is not None:
        return Decimal(str(choice["weight"])) / 100
    return Decimal(1) if choice["isCorrect"] else Decimal(0)


def _pegjs_number(spec: dict) -> tuple[Any, ...]:
    if "format" in spec:  # the catch-all answer of a numerical question
        assert spec["text"] == "*"
        return ("any",)
    if spec["type"] == "simple":
        return ("value", Decimal(str(spec["number"])), Decimal(0))
    if spec["type"] == "range":
        return ("value", Decimal(str(spec["number"])), Decimal(str(spec["range"])))
    assert spec["type"] == "high-low"
    return ("range", Decimal(str(spec["numberLow"])), Decimal(str(spec["numberHigh"])))


def _expected_view(item: dict) -> dict:
    """The parts of a gift-pegjs question that both parsers describe, in a common shape."""
    kind = item["type"]
    view: dict[str, Any] = {
        "type": kind,
        "title": item.get("title"),
        "id": item.get("id"),
        "tags": item.get("tags") or [],
        "stem": (item["stem"]["format"], item["stem"]["text"]),
        "embedded": item.get("hasEmbeddedAnswers", False),
    }
    if kind != "Description":
        view["general_feedback"] = _pegjs_rich(item.get("globalFeedback"))
    if kind in ("MC", "Short"):
        view["answers"] = [
            {
                "fraction": _pegjs_fraction(choice),
                "text": (choice["text"]["format"], choice["text"]["text"]),
                "feedback": _pegjs_rich(choice["feedback"]),
            }
            for choice in item["choices"]
        ]
    elif kind == "Numerical":
        choices = item["choices"]
        if isinstance(choices, dict):  # a single answer written without '='
            view["answers"] = [{"fraction": Decimal(1), "number": _pegjs_number(choices), "feedback": None}]
        else:
            view["answers"] = [
                {
                    "fraction": _pegjs_fraction(choice),
                    "number": _pegjs_number(choice["text"]),
                    "feedback": _pegjs_rich(choice["feedback"]),
                }
                for choice in choices
            ]
    elif kind == "TF":
        view["correct"] = item["isTrue"]
        view["feedback_true"] = _pegjs_rich(item["trueFeedback"])
        view["feedback_false"] = _pegjs_rich(item["falseFeedback"])
    elif kind == "Matching":
        view["pairs"] = [
            ((pair["subquestion"]["format"], pair["subquestion"]["text"]), pair["subanswer"])
            for pair in item["matchPairs"]
        ]
    return view


def _rich(text: str, text_format: str) -> tuple[str, str] | None:
    return (text_format, text) if text else None


def _actual_view(question: ParsedQuestion) -> dict:
    """Our question in the shape of :func:`_expected_view`.

    gift-pegjs writes a missing-word stem as ``before _____ after`` with single spaces; we
    keep the two parts apart (``text`` and ``stem_after``).
    """
    kind = _TYPE_NAMES[question.type]
    stem = question.text
    if question.stem_after is not None:
        stem = " ".join(part for part in (question.text, "_____", question.stem_after) if part)
    view: dict[str, Any] = {
        "type": kind,
        "title": question.title,
        "id": question.id,
        "tags": question.tags,
        "stem": (question.text_format, stem),
        "embedded": question.stem_after is not None,
    }
    if kind != "Description":
        view["general_feedback"] = _rich(question.general_feedback, question.general_feedback_format)
    if kind in ("MC", "Short"):
        view["answers"] = [
            {
                "fraction": answer.fraction,
                "text": (answer.text_format, answer.text),
                "feedback": _rich(answer.feedback, answer.feedback_format),
            }
            for answer in question.answers
        ]
    elif kind == "Numerical":
        view["answers"] = []
        for answer in question.answers:
            if answer.text == "*":
                number: tuple[Any, ...] = ("any",)
            elif answer.min is not None:
                number = ("range", answer.min, answer.max)
            else:
                number = ("value", Decimal(answer.text), answer.tolerance)
            view["answers"].append(
                {
                    "fraction": answer.fraction,
                    "number": number,
                    "feedback": _rich(answer.feedback, answer.feedback_format),
                }
            )
    elif kind == "TF":
        view["correct"] = question.correct
        view["feedback_true"] = _rich(question.feedback_true, question.feedback_true_format)
        view["feedback_false"] = _rich(question.feedback_false, question.feedback_false_format)
    elif kind == "Matching":
        view["pairs"] = [((pair.left_format, pair.left), pair.right) for pair in question.pairs]
    return view


def _patched(views: list[dict], patches: list[tuple[int, tuple[Any, ...], Any]]) -> list[dict]:
    result = copy.deepcopy(views)
    for index, path, value in patches:
        target: Any = result[index]
        for key in path[:-1]:
            target = target[key]
        assert path[-1] in target or isinstance(target, list), f"unknown key {path!r}"
        target[path[-1]] = value
    return result


def _load(name: str) -> tuple[str, list[dict]]:
    source = (CORPUS / name).read_text(encoding="utf-8")
    expected = json.loads((CORPUS / name).with_suffix(".json").read_text(encoding="utf-8"))
    return source, expected


def test_corpus_is_complete() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"GIFT corpus not found in {CORPUS}; set THADS_SHARED_DIR")
    assert len(CORPUS_FILES) == 51
    for name in CORPUS_FILES:
        assert (CORPUS / name).with_suffix(".json").is_file(), name
    assert set(MOODLE_DIFFERS) <= set(CORPUS_FILES)
    assert set(MOODLE_PATCHES) == set(MOODLE_DIFFERS)


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_file(name: str) -> None:
    source, expected_items = _load(name)
    result = parse_gift(source)

    assert result.errors == []
    assert result.categories == [item["title"] for item in expected_items if item["type"] == "Category"]
    expected = [_expected_view(item) for item in expected_items if item["type"] != "Category"]
    actual = [_actual_view(question) for question in result.questions]
    if name in MOODLE_DIFFERS:
        moodle = _patched(expected, MOODLE_PATCHES[name])
        assert moodle != expected, "the Moodle expectation must differ, or drop the MOODLE_DIFFERS entry"
        assert actual == moodle
    else:
        assert actual == expected


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_file_round_trip(name: str) -> None:
    source, _ = _load(name)
    questions = parse_gift(source).questions
    written = serialize_gift(questions)
    assert parse_gift(written).questions == questions
    assert serialize_gift(parse_gift(written).questions) == written


# --------------------------------------------------------------------------------------
# Reading details (Moodle behaviour)
# --------------------------------------------------------------------------------------


def test_weights_are_exact_decimals() -> None:
    question = parse_gift("Chọn các châu lục {~%33.33333%Á ~%33.33333%Âu ~%33.33333%Phi ~%-100%Mỹ Tho}").questions[0]
    assert question.type == "multichoice"
    assert question.single is False
    assert [answer.fraction for answer in question.answers] == [Decimal("0.3333333")] * 3 + [Decimal("-1")]
    assert all(isinstance(answer.fraction, Decimal) for answer in question.answers)


def test_question_lines_categories_ids_and_tags() -> None:
    source = (
        "// Đề kiểm tra\n"  # 1
        "$CATEGORY: $course$/top/Thi hành án\n"  # 2
        "\n"  # 3
        "// [id:Q-1] [tag:luật] [tag:thi\\]hành]\n"  # 4
        "::Câu 1::Án phí do ai nộp?{=Đương sự ~Toà án}\n"  # 5
        "\n"  # 6
        "$CATEGORY: $course$/top/Khác\n"  # 7
        "Câu hỏi đúng sai{T}\n"  # 8
    )
    result = parse_gift(source)
    first, second = result.questions
    assert result.categories == ["$course$/top/Thi hành án", "$course$/top/Khác"]
    assert (first.line, first.category) == (5, "$course$/top/Thi hành án")
    assert (first.id, first.tags) == ("Q-1", ["luật", "thi]hành"])
    assert first.title == "Câu 1"
    assert (second.line, second.category, second.type, second.correct) == (8, "$course$/top/Khác", "truefalse", True)


def test_missing_word_keeps_both_parts() -> None:
    question = parse_gift("Người phải thi hành án có {~7 =15 ~30} ngày để tự nguyện thi hành.").questions[0]
    assert question.text == "Người phải thi hành án có"
    assert question.stem_after == "ngày để tự nguyện thi hành."
    assert question.is_missing_word
    assert [answer.text for answer in question.answers] == ["7", "15", "30"]
    not_embedded = parse_gift("Thủ đô? {=Hà Nội}").questions[0]
    assert not_embedded.stem_after is None and not not_embedded.is_missing_word


def test_numerical_forms() -> None:
    source = "Số? {#\n=%100%1..5#trong khoảng\n=%50%2.5:0.5\n=7\n~#sai rồi\n####Giải thích\n}"
    question = parse_gift(source).questions[0]
    ranged, tolerance, exact, anything = question.answers
    assert (ranged.min, ranged.max, ranged.text, ranged.tolerance) == (Decimal(1), Decimal(5), "3", Decimal(2))
    assert ranged.feedback == "trong khoảng"
    assert (tolerance.text, tolerance.tolerance, tolerance.fraction) == ("2.5", Decimal("0.5"), Decimal("0.5"))
    assert (exact.text, exact.tolerance, exact.fraction) == ("7", Decimal(0), Decimal(1))
    assert (anything.text, anything.fraction, anything.feedback, anything.tolerance) == ("*", 0, "sai rồi", None)
    assert question.general_feedback == "Giải thích"


def test_truefalse_feedback_follows_moodle() -> None:
    right_true = parse_gift("Đúng?{TRUE#bạn sai#bạn đúng}").questions[0]
    assert (right_true.feedback_true, right_true.feedback_false) == ("bạn đúng", "bạn sai")
    right_false = parse_gift("Sai?{F#bạn sai#bạn đúng}").questions[0]
    assert (right_false.feedback_true, right_false.feedback_false) == ("bạn sai", "bạn đúng")


def test_moodle_quirks_are_kept() -> None:
    # Only T, TRUE, F and FALSE (capitals) make a true/false question.
    assert parse_gift("Q {true}").questions[0].type == "shortanswer"
    # In a multiple-choice block '=' always means 100%, and a weight after it stays text.
    answers = parse_gift("Q {=%50%a ~b}").questions[0].answers
    assert (answers[0].text, answers[0].fraction) == ("%50%a", Decimal(1))
    # Answers without text are dropped, as Moodle does when saving.
    assert [a.text for a in parse_gift("Q {~a ~ ~#chỉ có phản hồi =c}").questions[0].answers] == ["a", "c"]
    # Each answer may set its own text format; formats are inherited otherwise.
    question = parse_gift("[html]<b>Q</b> {=[plain]<a> ~b#[markdown]*x*}").questions[0]
    assert [(a.text_format, a.feedback_format) for a in question.answers] == [("plain", "html"), ("html", "markdown")]
    # An unknown [name] is part of the text.
    assert parse_gift("[note] Ghi chú").questions[0].text == "[note] Ghi chú"


def test_escapes_and_bytes_input() -> None:
    source = "::a\\:b::x \\{y\\} \\= \\~ \\# \\\\ z\\nw{=ok}".encode() + b"\n"
    question = parse_gift(b"\xef\xbb\xbf" + source).questions[0]
    assert question.title == "a:b"
    assert question.text == "x {y} = ~ # \\ z\nw"


# --------------------------------------------------------------------------------------
# 2. Bad input
# --------------------------------------------------------------------------------------

BAD_GIFT = [
    pytest.param("Câu 1{=a}\n\nCâu 2 {\n=b\n~c\n", 3, "thiếu dấu '}' đóng khối đáp án", id="unclosed-brace"),
    pytest.param("Câu 1 {=a\nCâu 2 {=b}", 1, "lại mở khối mới bằng", id="brace-reopened"),
    pytest.param("Câu hỏi\nlỗi } ở đây", 2, "thiếu dấu '{'", id="closing-brace-only"),
    pytest.param("Câu hỏi\nlỗi } rồi {=a}", 2, "đứng trước dấu '{'", id="closing-before-opening"),
    pytest.param("Câu {=a} và {=b}", 1, "chỉ được có một khối đáp án", id="two-blocks"),
    pytest.param("::Tiêu đề\nCâu hỏi{T}", 1, "thiếu '::' đóng tiêu đề", id="unclosed-title"),
    pytest.param("Câu hỏi {\n~a\n~b\n}", 1, "không có đáp án đúng", id="no-right-answer"),
    pytest.param("Q {~%50%a ~%20%b ~c}", 1, "hiện là 70%", id="weights-not-100"),
    pytest.param("Q {~a}", 1, "ít nhất 2 phương án", id="one-choice"),
    pytest.param("Q {\n~a\n~%150%b\n}", 3, "từ -100% đến 100%", id="weight-too-big"),
    pytest.param("Q {\n~a\n~%--5%b\n=c}", 3, "không hợp lệ", id="weight-double-minus"),
    pytest.param("Ghép {\n=a -> 1\n=b -> 2\n=c\n}", 4, "thiếu dấu '->'", id="matching-no-arrow"),
    pytest.param("Ghép {=a -> 1}", 1, "ít nhất 2 cặp", id="matching-one-pair"),
    pytest.param("Ghép {\n=a -> 1\n=b ->\n}", 3, "vế phải", id="matching-empty-right"),
    pytest.param("Số? {#\n=1\n=%50%hai\n}", 3, "'hai' không phải là số", id="numerical-not-number"),
    pytest.param("Số? {#3,5}", 1, "không phải là số", id="numerical-decimal-comma"),
    pytest.param("Số? {#5..1}", 1, "số đầu lớn hơn số cuối", id="numerical-reversed-range"),
    pytest.param("Số? {#5:-1}", 1, "không được âm", id="numerical-negative-tolerance"),
    pytest.param("Số? {#~#sai}", 1, "câu hỏi số cần ít nhất một đáp án", id="numerical-no-answer"),
    pytest.param("Số? {#=%50%5}", 1, "đạt 100%", id="numerical-no-full-mark"),
    pytest.param("Ngắn {=%50%a =%20%b}", 1, "đạt 100%", id="shortanswer-no-full-mark"),
    pytest.param("Ngắn {=#chỉ phản hồi}", 1, "ít nhất một đáp án", id="shortanswer-empty"),
    pytest.param("// chú thích\n\n$CATEGORY:   \n", 3, "thiếu tên danh mục", id="empty-category"),
]


@pytest.mark.parametrize(("source", "line", "fragment"), BAD_GIFT)
def test_bad_gift_strict_raises_with_line(source: str, line: int, fragment: str) -> None:
    with pytest.raises(FormatParseError) as caught:
        parse_gift(source)
    error = caught.value
    assert error.line == line
    assert fragment in error.detail
    assert error.message == f"Dòng {line}: {error.detail}" == str(error)


@pytest.mark.parametrize(("source", "line", "fragment"), BAD_GIFT)
def test_bad_gift_lenient_keeps_good_questions(source: str, line: int, fragment: str) -> None:
    good_before = "::Trước::Câu tốt trước{T}\n\n"
    good_after = "\n\n::Sau::Câu tốt sau{=x =y}\n"
    result = parse_gift(good_before + source + good_after, strict=False)
    assert [question.title for question in result.questions if question.title in ("Trước", "Sau")] == ["Trước", "Sau"]
    assert [error.line for error in result.errors] == [line + 2]
    assert fragment in result.errors[0].detail


def test_lenient_collects_every_error_in_order() -> None:
    source = "\n".join(
        [
            "Câu 1 {=a ~b}",  # 1 good
            "",
            "Câu 2 {~a ~b}",  # 3 no right answer
            "",
            "Câu 3 {",  # 5 unclosed
            "=a",
            "",
            "Câu 4 {T}",  # 8 good
            "",
            "Số {#x}",  # 10 not a number
        ]
    )
    result = parse_gift(source, strict=False)
    assert [question.line for question in result.questions] == [1, 8]
    assert [error.line for error in result.errors] == [3, 5, 10]
    with pytest.raises(FormatParseError) as caught:
        parse_gift(source)
    assert caught.value.line == 3


def test_undecodable_bytes() -> None:
    with pytest.raises(FormatParseError) as caught:
        parse_gift(b"Q1{T}\n\nQ2 \xff{T}")
    assert caught.value.line == 3
    assert "UTF-8" in caught.value.detail
    assert parse_gift(b"\xff", strict=False).errors[0].line == 1


# --------------------------------------------------------------------------------------
# 3. Round trips
# --------------------------------------------------------------------------------------

TRICKY = "Điều 5: {x} = y ~ z # 100% \\ [a] -- //"


def _handmade_questions() -> list[ParsedQuestion]:
    questions = [
        ParsedQuestion(type="description", text="Phần I — Luật Thi hành án dân sự"),
        ParsedQuestion(
            type="multichoice",
            title="Câu: 1",
            text=TRICKY + "\ndòng hai",
            answers=[
                ParsedAnswer("=Đúng", Decimal(1), feedback="#Chính xác"),
                ParsedAnswer("~Sai", Decimal(0), feedback="[html] không phải định dạng"),
                ParsedAnswer("%50%", Decimal(0)),
                ParsedAnswer("[b]nửa[/b]", Decimal("0.5"), text_format="html"),
            ],
            general_feedback="Xem Điều 5.",
            general_feedback_format="markdown",
            id="L-01",
            tags=["luật", "cơ bản"],
        ),
        ParsedQuestion(
            type="multichoice",
            text="Chọn tất cả",
            single=False,
            answers=[
                ParsedAnswer("Một", Decimal("0.3333333")),
                ParsedAnswer("Hai", Decimal("0.3333333")),
                ParsedAnswer("Ba", Decimal("0.3333333")),
                ParsedAnswer("Sai", Decimal("-1")),
            ],
        ),
        ParsedQuestion(
            type="multichoice",
            text="Mọi đáp án đều đúng",
            answers=[ParsedAnswer("a", Decimal(1)), ParsedAnswer("b", Decimal(1))],
        ),
        ParsedQuestion(
            type="truefalse",
            text="Án phí được miễn?",
            text_format="html",
            correct=False,
            feedback_true="Chưa đúng: xem {Điều 12}",
            feedback_true_format="html",
            feedback_false="Đúng",
            feedback_false_format="plain",
            general_feedback_format="html",
        ),
        ParsedQuestion(
            type="shortanswer",
            text="Cơ quan",
            stem_after="có thẩm quyền thi hành án.",
            answers=[
                ParsedAnswer("Chi cục THADS", Decimal(1), feedback="Đúng"),
                ParsedAnswer("[THADS]", Decimal("0.5")),
            ],
        ),
        ParsedQuestion(
            type="numerical",
            text="Thời hạn kháng cáo (ngày)?",
            answers=[
                ParsedAnswer("15", Decimal(1), tolerance=Decimal(0), feedback="Đúng"),
                ParsedAnswer("15", Decimal("0.5"), tolerance=Decimal("2.5")),
                ParsedAnswer("15", Decimal("0.1"), min=Decimal(10), max=Decimal(20), tolerance=Decimal(5)),
                ParsedAnswer("*", Decimal(0), feedback="Sai: {xem luật}"),
            ],
        ),
        ParsedQuestion(
            type="matching",
            text="Ghép đôi",
            pairs=[
                ParsedPair("Hà Nội", "Việt Nam -> châu Á"),
                ParsedPair("Viên: {Áo}", "Áo = Austria"),
                ParsedPair("", "Thừa", left_format="html"),
            ],
        ),
        ParsedQuestion(type="essay", title="Tự luận", text="// Trình bày", general_feedback="Gợi ý: ###"),
        ParsedQuestion(type="essay", text="[html] không phải định dạng"),
    ]
    for question in questions:
        question.category = "$course$/top/Luật"
    return questions


def test_handmade_round_trip() -> None:
    questions = _handmade_questions()
    written = serialize_gift(questions)
    read = parse_gift(written)
    assert read.errors == []
    assert read.questions == questions
    assert read.categories == ["$course$/top/Luật"]


def test_serialized_text_escapes_control_characters() -> None:
    question = ParsedQuestion(type="shortanswer", text="a:b {c}", answers=[ParsedAnswer("x=y", Decimal(1))])
    assert serialize_gift([question]) == "a\\:b \\{c\\}{\n\t=%100%x\\=y\n}\n"


@pytest.mark.parametrize(
    "question",
    [
        ParsedQuestion(type="shortanswer", text="Q", answers=[ParsedAnswer("a -> b", Decimal(1))]),
        ParsedQuestion(type="matching", text="Q", pairs=[ParsedPair("a->b", "c"), ParsedPair("d", "e")]),
        ParsedQuestion(type="truefalse", text="Q"),
        ParsedQuestion(type="numerical", text="Q", answers=[ParsedAnswer("mười", Decimal(1))]),
        ParsedQuestion(type="cloze", text="Q"),
        ParsedQuestion(type="essay", text="Q", category="a\nb"),
    ],
    ids=["short-arrow", "matching-arrow", "tf-no-answer", "numerical-not-number", "unknown-type", "category-newline"],
)
def test_serialize_rejects_what_gift_cannot_express(question: ParsedQuestion) -> None:
    with pytest.raises(ValueError):
        serialize_gift([question])


# Property-based round trip over generated questions.

_CHARS = "abcxyz ĐđÂâĂăÊêÔôƠơƯưẠạẾếỗựỹ0123456789.,;!?'\"~=#{}:\\[]%-></*\n\t"
_texts = st.text(alphabet=_CHARS, max_size=16).map(lambda text: text.strip(TRIM))
_words = _texts.filter(bool)
_no_arrow = _words.filter(lambda text: "->" not in text)
_formats = st.sampled_from(TEXT_FORMATS)
_fractions = st.sampled_from([Decimal(0), Decimal("0.5"), Decimal("-0.5"), Decimal("0.3333333"), Decimal("-1")])


@st.composite
def _questions(draw: st.DrawFn) -> ParsedQuestion:
    kind = draw(
        st.sampled_from(
            ["multichoice", "multi", "truefalse", "shortanswer", "numerical", "matching", "essay", "description"]
        )
    )
    fmt = draw(_formats)
    question = ParsedQuestion(
        type=kind,
        text=draw(_texts),
        text_format=fmt,
        title=draw(st.none() | _words),
        id=draw(st.none() | st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True)),
        tags=draw(st.lists(st.from_regex(r"[a-zđ0-9-]{1,8}", fullmatch=True), max_size=2)),
        general_feedback_format=fmt,
    )
    if kind != "description":
        question.stem_after = draw(st.none() | _words)
        question.general_feedback = draw(_texts)
        question.general_feedback_format = draw(_formats)
    if kind == "description" and not question.text and not question.title:
        question.text = "x"

    def answer(
        fraction: Decimal,
        own_format: bool,
        text: st.SearchStrategy[str] = _words,
        feedback: st.SearchStrategy[str] = _texts,
    ) -> ParsedAnswer:
        return ParsedAnswer(
            text=draw(text),
            fraction=fraction,
            feedback=draw(feedback),
            text_format=draw(_formats) if own_format else fmt,
            feedback_format=draw(_formats),
        )

    if kind == "multichoice":
        fractions = [Decimal(1), *draw(st.lists(_fractions | st.just(Decimal(1)), min_size=1, max_size=4))]
        question.answers = [answer(f, True) for f in draw(st.permutations(fractions))]
    elif kind == "multi":
        question.type, question.single = "multichoice", False
        right = draw(st.sampled_from([[Decimal(1)], [Decimal("0.5")] * 2, [Decimal("0.3333333")] * 3]))
        wrong = draw(st.lists(st.sampled_from([Decimal(0), Decimal("-0.5"), Decimal(-1)]), max_size=3))
        fractions = draw(st.permutations(right + wrong + ([Decimal(0)] if len(right + wrong) < 2 else [])))
        question.answers = [answer(f, True) for f in fractions]
    elif kind == "truefalse":
        question.correct = draw(st.booleans())
        question.feedback_true, question.feedback_true_format = draw(_texts), draw(_formats)
        question.feedback_false, question.feedback_false_format = draw(_texts), draw(_formats)
    elif kind == "shortanswer":
        fractions = [Decimal(1), *draw(st.lists(_fractions, max_size=3))]
        question.answers = [answer(f, False, _no_arrow, _texts.filter(lambda t: "->" not in t)) for f in fractions]
    elif kind == "numerical":
        question.answers = []
        for fraction in [Decimal(1), *draw(st.lists(_fractions, max_size=2))]:
            item = answer(fraction, False)
            middle = draw(st.integers(-10**6, 10**6))
            half = draw(st.integers(0, 1000))
            if draw(st.booleans()):
                item.text, item.tolerance = str(middle), Decimal(half) / 100
            else:
                item.text, item.tolerance = str(middle), Decimal(half)
                item.min, item.max = Decimal(middle - half), Decimal(middle + half)
            question.answers.append(item)
        if draw(st.booleans()):
            question.answers.append(answer(Decimal(0), False, st.just("*")))
    elif kind == "matching":
        question.pairs = [
            ParsedPair(left=draw(_no_arrow), right=draw(_words), left_format=draw(_formats))
            for _ in range(draw(st.integers(2, 4)))
        ]
        if draw(st.booleans()):
            question.pairs.append(ParsedPair(left="", right=draw(_words), left_format=draw(_formats)))
    return question


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    questions=st.lists(_questions(), min_size=1, max_size=4),
    category=st.none() | _words.map(lambda text: text.replace("\n", " ")),
)
def test_generated_round_trip(questions: list[ParsedQuestion], category: str | None) -> None:
    for question in questions:
        question.category = category
    written = serialize_gift(questions)
    read = parse_gift(written)
    assert read.errors == []
    assert read.questions == questions


def test_short_answer_options_are_written_as_comments_and_read_back() -> None:
    question = ParsedQuestion(type="shortanswer", text="Thủ đô?", accent_insensitive=True,
                              answers=[ParsedAnswer(text="Hà Nội", fraction=Decimal(1))])
    text = serialize_gift([question])
    assert text.splitlines()[0] == "// [option:accent_insensitive]"
    back = parse_gift(text).questions[0]
    assert back.accent_insensitive is True and back.case_sensitive is False
    assert back == question
    plain = parse_gift("Thủ đô? {=Hà Nội}").questions[0]
    assert plain.accent_insensitive is False


def test_option_comments_on_other_types_change_nothing() -> None:
    question = parse_gift("// [option:accent_insensitive]\nĐúng? {T}").questions[0]
    assert question.type == "truefalse" and question.accent_insensitive is False


# Writers per type and messages in the active language.


def test_every_question_type_has_one_block_writer() -> None:
    from quizzes.formats.gift.write import _BLOCK_WRITERS
    from quizzes.formats.model import QUESTION_TYPES

    assert sorted(_BLOCK_WRITERS) == sorted(QUESTION_TYPES)


def test_errors_speak_the_active_language() -> None:
    """Messages are English msgids translated when raised: Vietnamese by default, English when chosen."""
    from django.utils import translation

    cases = [
        ("Q {=a ~b", "Dòng 1: thiếu dấu '}' đóng khối đáp án", "Line 1: missing '}' closing the answer block"),
        ("\n\nQ {#1..x}", "Dòng 3: 'x' không phải là số (dùng dấu chấm cho phần thập phân)",
         "Line 3: 'x' is not a number (use a point for decimals)"),
    ]
    for text, vietnamese, english in cases:
        for language, expected in (("vi", vietnamese), ("en", english), ("vi", vietnamese)):
            with translation.override(language), pytest.raises(FormatParseError) as caught:
                parse_gift(text)
            assert caught.value.message == expected
