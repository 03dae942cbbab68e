"""Aiken import and export (Moodle's ``qformat_aiken``).

An Aiken file holds single-answer multiple-choice questions only::

    Thủ đô của Việt Nam là?
    A. Hà Nội
    B) Huế
    ANSWER: A

The question is one line, each option one line starting with a capital letter followed by
``.`` or ``)``, and the ``ANSWER:`` line names the right option and ends the question.
Blank lines are ignored. Aiken texts are plain text (Moodle stores them HTML-escaped).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from .errors import FormatParseError
from .gift import TRIM_CHARS, read_source
from .model import ParsedAnswer, ParsedQuestion

__all__ = ["AikenResult", "parse_aiken", "serialize_aiken"]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Moodle: '/^[A-Z][).][ \t]?/'.
_OPTION = re.compile(r"([A-Z])[).][ \t]?")
_ANSWER = "ANSWER:"
_ANSWER_LETTER = re.compile(r"([A-Za-z])[).]?")
_WHITE_WITH_BREAK = re.compile(r"[ \t]*(?:\r\n|\r|\n)[ \t\r\n]*")


@dataclass
class AikenResult:
    """What :func:`parse_aiken` read: good questions in file order and, in non-strict mode,
    one error per question that could not be read (sorted by line)."""

    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[FormatParseError] = field(default_factory=list)


def _short(line: str) -> bool:
    """Moodle skips lines shorter than 2 bytes once trimmed."""
    return not line or (len(line) == 1 and ord(line) < 0x80)


def _letters(count: int) -> str:
    return "A" if count <= 1 else f"A–{chr(ord('A') + count - 1)}"


def parse_aiken(text: str | bytes, *, strict: bool = True) -> AikenResult:
    """Read the questions of an Aiken file.

    ``text`` is the file content (bytes are decoded as UTF-8). Every question becomes a
    ``multichoice`` question with ``single=True``, plain-text texts and fraction 1 for the
    right option, 0 for the others. Problems (an option or ``ANSWER`` line outside a
    question, options not lettered A, B, C... in order, an empty option, fewer than two
    options, an ``ANSWER`` naming a missing option, a question without ``ANSWER`` line) raise
    :class:`FormatParseError` in strict mode; otherwise the question is skipped, the error
    collected and reading goes on. Nothing else is raised for any text input.
    """
    result = AikenResult()
    source = read_source(text, strict=strict, errors=result.errors)
    if source is None:
        return result

    question: ParsedQuestion | None = None
    broken = False  # the open question already has an error: ignore it up to its end
    orphan = False  # options with no question above: report them once

    def fail(line: int, detail: str) -> None:
        error = FormatParseError(line, detail)
        if strict:
            raise error
        result.errors.append(error)

    def missing_answer(open_question: ParsedQuestion) -> None:
        if open_question.answers:
            fail(open_question.line, _("the question has no 'ANSWER: …' line after its options"))
        else:
            fail(
                open_question.line,
                _("the question has no options and no 'ANSWER: …' line "
                  "(an Aiken question must be written on one line)"),
            )

    for number, raw in enumerate(_LINE_BREAK.split(source), start=1):
        line = raw.strip(TRIM_CHARS)
        if _short(line):
            continue
        option = _OPTION.match(line)
        if option:
            if question is None:
                if not orphan:
                    fail(number, _("an option belongs to no question (the question line above it is missing)"))
                orphan = True
                continue
            if broken:
                continue
            letter = option.group(1)
            expected = chr(ord("A") + len(question.answers))
            if letter != expected:
                fail(number, _("options must be lettered A, B, C… in order: expected '%(expected)s' but found "
                               "'%(letter)s'") % {"expected": expected, "letter": letter})
                broken = True
                continue
            option_text = line[2:].strip(TRIM_CHARS)
            if not option_text:
                fail(number, _("option %(letter)s has no text") % {"letter": letter})
                broken = True
                continue
            question.answers.append(
                ParsedAnswer(text=option_text, fraction=Decimal(0), text_format="plain", feedback_format="plain")
            )
            continue
        if line.startswith(_ANSWER):
            if question is None:
                if not orphan:
                    fail(number, _("the ANSWER line belongs to no question"))
                orphan = False
                continue
            current, question = question, None
            if broken:
                broken = False
                continue
            if len(current.answers) < 2:
                fail(current.line, _("the question needs at least 2 options"))
                continue
            answer = _ANSWER_LETTER.fullmatch(line[len(_ANSWER):].strip(TRIM_CHARS))
            if not answer:
                fail(number, _("the ANSWER line must name exactly one letter, for example 'ANSWER: B'"))
                continue
            index = ord(answer.group(1).upper()) - ord("A")
            if index >= len(current.answers):
                fail(
                    number,
                    _("answer '%(answer)s' is not among the options (%(letters)s)")
                    % {"answer": answer.group(1).upper(), "letters": _letters(len(current.answers))},
                )
                continue
            current.answers[index].fraction = Decimal(1)
            result.questions.append(current)
            continue
        # Any other line starts a new question.
        if question is not None and not broken:
            missing_answer(question)
        question = ParsedQuestion(
            type="multichoice",
            text=line,
            text_format="plain",
            general_feedback_format="plain",
            single=True,
            line=number,
        )
        broken = False
        orphan = False
    if question is not None and not broken:
        missing_answer(question)
    result.errors.sort(key=lambda error: error.line)
    return result


def _one_line(text: str) -> str:
    return _WHITE_WITH_BREAK.sub(" ", text).strip(TRIM_CHARS)


def _aiken_problem(question: ParsedQuestion) -> str | None:
    """Why a question cannot be written in Aiken, or ``None`` if it can."""
    if question.type != "multichoice" or not question.single:
        return "only single-answer multiple-choice questions can be written in Aiken"
    if not 2 <= len(question.answers) <= 26:
        return "an Aiken question needs 2 to 26 options"
    right = [answer for answer in question.answers if answer.fraction == 1]
    if len(right) != 1 or any(answer.fraction not in (0, 1) for answer in question.answers):
        return "an Aiken question needs exactly one right option and no partial credit"
    text = _one_line(question.text)
    if _short(text) or _OPTION.match(text) or text.startswith(_ANSWER):
        return f"question text {question.text!r} would not be read back as a question line"
    if any(not _one_line(answer.text) for answer in question.answers):
        return "an Aiken option cannot be empty"
    return None


def serialize_aiken(questions: Iterable[ParsedQuestion], *, skip_unsupported: bool = False) -> str:
    """Write questions in Aiken format, separated by blank lines.

    Only single-answer multiple-choice questions with 2 to 26 options and exactly one right
    option (fraction 1, the others 0) can be written; titles, feedback and formats are lost
    and line breaks inside texts become spaces. Other questions raise ``ValueError``, or are
    left out when ``skip_unsupported`` is true. For questions written from plain one-line
    texts, :func:`parse_aiken` reads the output back to equal questions.
    """
    blocks: list[str] = []
    for question in questions:
        problem = _aiken_problem(question)
        if problem:
            if skip_unsupported:
                continue
            raise ValueError(problem)
        lines = [_one_line(question.text)]
        right = "A"
        for index, answer in enumerate(question.answers):
            letter = chr(ord("A") + index)
            lines.append(f"{letter}) {_one_line(answer.text)}")
            if answer.fraction == 1:
                right = letter
        lines.append(f"{_ANSWER} {right}")
        blocks.append("\n".join(lines))
    if not blocks:
        return ""
    text = "\n\n".join(blocks) + "\n"
    # A byte order mark opening the file is dropped by readers; keep a text's own one.
    return "\n" + text if text.startswith("\ufeff") else text
