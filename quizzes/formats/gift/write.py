"""Writing GIFT that both Moodle and the reader read back to the same questions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from ..model import TEXT_FORMATS, ParsedQuestion
from .common import SHORTANSWER_OPTIONS, _CATEGORY, _ESCAPABLE, _HUNDRED, _NUMBER, _ONE, TRIM_CHARS, _decimal_text, _has_line_break


def serialize_gift(questions: Iterable[ParsedQuestion]) -> str:
    """Write questions as GIFT text, one block per question separated by blank lines.

    ``$CATEGORY:`` lines are written whenever the category changes (a question whose
    category is ``None`` stays in the current one), ``id`` and ``tags`` as ``// [id:...]``
    and ``// [tag:...]`` comments. Reading the output with :func:`parse_gift` gives questions
    equal to the ones written, provided they are valid and their texts have no surrounding
    white space (questions returned by :func:`parse_gift` always qualify, unless rejected
    below).

    Raises ``ValueError`` for a question GIFT cannot express: an unknown type, a true/false
    question without ``correct``, a non-numeric numerical answer, a short-answer answer or
    feedback containing ``->`` or a matching left side containing ``->`` (Moodle would read
    the question as a matching one), an id containing ``[``, a tag containing ``<``, ``>`` or
    a backquote, or an id, tag or category containing a line break.
    """
    blocks: list[str] = []
    current: str | None = None
    for question in questions:
        if question.category is not None and question.category != current:
            name = question.category.strip(TRIM_CHARS)
            if not name or _has_line_break(name):
                raise ValueError(f"category {question.category!r} cannot be written in GIFT")
            blocks.append(f"{_CATEGORY} {name}")
            current = question.category
        blocks.append(_write_question(question))
    if not blocks:
        return ""
    text = "\n\n".join(blocks) + "\n"
    # A byte order mark opening the file is dropped by readers; keep a text's own one.
    return "\n" + text if text.startswith("\ufeff") else text


def _escape(text: str) -> str:
    """Moodle's ``repchar``: escape control characters and write line breaks as ``\\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for char in text:
        if char == "\\" or char in _ESCAPABLE:
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        else:
            out.append(char)
    return "".join(out)


def _text(text: str, text_format: str, default: str, *, force_prefix: bool = False) -> str:
    """Escaped text, with a ``[format]`` prefix when needed to read it back the same."""
    if text_format not in TEXT_FORMATS:
        raise ValueError(f"unknown text format {text_format!r}")
    text = text.strip(TRIM_CHARS)
    if force_prefix or text_format != default or text.startswith("["):
        return f"[{text_format}]{_escape(text)}"
    return _escape(text)


def _needed(text: str, text_format: str, default: str) -> bool:
    return bool(text.strip(TRIM_CHARS)) or text_format != default


def _weight(fraction: Decimal) -> str:
    return f"%{_decimal_text(Decimal(fraction) * _HUNDRED)}%"


def _feedback(text: str, text_format: str, default: str) -> str:
    return "#" + _text(text, text_format, default) if _needed(text, text_format, default) else ""


def _check_no_arrow(text: str, what: str) -> None:
    if "->" in text:
        raise ValueError(f"{what} {text!r} contains '->', which GIFT would read as a matching question")


def _write_question(question: ParsedQuestion) -> str:
    lines: list[str] = []
    if question.id:
        if _has_line_break(question.id) or "[" in question.id:
            raise ValueError(f"id {question.id!r} cannot be written in GIFT")
        lines.append("// [id:" + question.id.replace("]", "\\]") + "]")
    if question.tags:
        for tag in question.tags:
            if _has_line_break(tag) or any(char in tag for char in "<>`"):
                raise ValueError(f"tag {tag!r} cannot be written in GIFT")
        lines.append("// " + " ".join("[tag:" + tag.replace("]", "\\]") + "]" for tag in question.tags))
    if question.type == "shortanswer":
        options = [f"[option:{name}]" for name in SHORTANSWER_OPTIONS if getattr(question, name)]
        if options:
            lines.append("// " + " ".join(options))

    fmt = question.text_format
    head = ""
    if question.title and question.title.strip(TRIM_CHARS):
        head += "::" + _escape(question.title.strip(TRIM_CHARS)) + "::"
    text = question.text.strip(TRIM_CHARS)
    force = not head and (text.startswith("//") or (question.type == "description" and not text))
    head += _text(text, fmt, "moodle", force_prefix=force)

    general = ""
    if _needed(question.general_feedback, question.general_feedback_format, fmt):
        general = "####" + _text(question.general_feedback, question.general_feedback_format, fmt)

    write_block = _BLOCK_WRITERS.get(question.type)
    if write_block is None:
        raise ValueError(f"unknown question type {question.type!r}")
    block = write_block(question, general)
    if not block:  # a description: the text alone
        lines.append(head)
        return "\n".join(lines)
    after = (question.stem_after or "").strip(TRIM_CHARS)
    if after:
        block += " " + _escape(after)
    lines.append(head + block)
    return "\n".join(lines)


def _lines_block(opening: str, answer_lines: Iterable[str], general: str) -> str:
    """An answer block written one answer a line: the opening brace, each line after a tab, the
    general feedback on its own line and the closing brace."""
    block = opening + "\n" + "".join(f"\t{line}\n" for line in answer_lines)
    return block + (f"\t{general}\n}}" if general else "}")


# The answer block of each question type, from the question and its general feedback ("####…" or "").
# An empty block (a description) means the question is its text alone. A new type is one entry here.
_BLOCK_WRITERS: dict[str, Callable[[ParsedQuestion, str], str]] = {
    "description": lambda question, general: "",
    "essay": lambda question, general: "{" + general + "}",
    "truefalse": lambda question, general: "{" + _truefalse_answer(question) + general + "}",
    "multichoice": lambda question, general: _lines_block("{", _multichoice_lines(question), general),
    "shortanswer": lambda question, general: _lines_block("{", _shortanswer_lines(question), general),
    "numerical": lambda question, general: _lines_block("{#", _numerical_lines(question), general),
    "matching": lambda question, general: _lines_block("{", _matching_lines(question), general),
}


def _truefalse_answer(question: ParsedQuestion) -> str:
    if question.correct is None:
        raise ValueError("a true/false question needs 'correct'")
    fmt = question.text_format
    true_part = (question.feedback_true, question.feedback_true_format)
    false_part = (question.feedback_false, question.feedback_false_format)
    # GIFT: {TRUE#feedback for a wrong answer#feedback for a right answer}
    right, wrong = (true_part, false_part) if question.correct else (false_part, true_part)
    out = "TRUE" if question.correct else "FALSE"
    right_needed = _needed(right[0], right[1], fmt)
    if right_needed or _needed(wrong[0], wrong[1], fmt):
        out += "#" + (_text(wrong[0], wrong[1], fmt) if _needed(wrong[0], wrong[1], fmt) else "")
    if right_needed:
        out += "#" + _text(right[0], right[1], fmt)
    return out


def _multichoice_lines(question: ParsedQuestion) -> list[str]:
    fmt = question.text_format
    all_right = all(answer.fraction == _ONE for answer in question.answers)
    lines: list[str] = []
    equals_written = False
    for answer in question.answers:
        text = _text(answer.text, answer.text_format, fmt)
        if question.single and answer.fraction == _ONE and not (all_right and equals_written):
            marker = "="
            equals_written = True
        elif answer.fraction == 0 and not answer.text.strip(TRIM_CHARS).startswith("%"):
            marker = "~"
        else:
            marker = "~" + _weight(answer.fraction)
        lines.append(marker + text + _feedback(answer.feedback, answer.feedback_format, fmt))
    return lines


def _shortanswer_lines(question: ParsedQuestion) -> list[str]:
    fmt = question.text_format
    lines: list[str] = []
    for answer in question.answers:
        _check_no_arrow(answer.text, "short answer")
        _check_no_arrow(answer.feedback, "short answer feedback")
        text = _text(answer.text, fmt, fmt)
        lines.append("=" + _weight(answer.fraction) + text + _feedback(answer.feedback, answer.feedback_format, fmt))
    return lines


def _numerical_lines(question: ParsedQuestion) -> list[str]:
    fmt = question.text_format
    lines: list[str] = []
    last = len(question.answers) - 1
    for index, answer in enumerate(question.answers):
        feedback = _feedback(answer.feedback, answer.feedback_format, fmt)
        value = answer.text.strip(TRIM_CHARS)
        if value == "*":
            if index == last and answer.fraction == 0:
                lines.append("~" + (feedback or "#"))
            else:
                lines.append("=" + _weight(answer.fraction) + "*" + feedback)
            continue
        if answer.min is not None and answer.max is not None:
            number = f"{_decimal_text(answer.min)}..{_decimal_text(answer.max)}"
        else:
            if not _NUMBER.fullmatch(value):
                raise ValueError(f"numerical answer {answer.text!r} is not a number")
            tolerance = answer.tolerance if answer.tolerance is not None else Decimal(0)
            number = f"{value}:{_decimal_text(tolerance)}"
        lines.append("=" + _weight(answer.fraction) + number + feedback)
    return lines


def _matching_lines(question: ParsedQuestion) -> list[str]:
    fmt = question.text_format
    lines: list[str] = []
    for pair in question.pairs:
        _check_no_arrow(pair.left, "matching left side")
        left = _text(pair.left, pair.left_format, fmt)
        lines.append(f"={left} -> {_escape(pair.right.strip(TRIM_CHARS))}")
    return lines
