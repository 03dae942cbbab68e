"""Reading GIFT, following Moodle's ``qformat_gift`` step by step."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from ..errors import FormatParseError
from ..model import TEXT_FORMATS, ParsedAnswer, ParsedPair, ParsedQuestion
from .common import (
    _CATEGORY,
    _HUNDRED,
    _ID_COMMENT,
    _LINE_BREAK,
    _NUMBER,
    _ONE,
    _OPTION_COMMENT,
    _TAG_COMMENT,
    _TRUE_FALSE,
    _WEIGHT,
    TRIM_CHARS,
    _decimal_text,
    _ESCAPABLE,
    read_source,
)


@dataclass
class GiftResult:
    """What :func:`parse_gift` read.

    ``questions`` are the questions read successfully, in file order. ``errors`` holds one
    error per question that could not be read (only in non-strict mode; strict mode raises
    the first one instead). ``categories`` lists every ``$CATEGORY:`` value in file order;
    each question also carries the category in force where it appears.
    """

    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[FormatParseError] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


def parse_gift(text: str | bytes, *, strict: bool = True) -> GiftResult:
    """Read the questions of a GIFT file.

    ``text`` is the file content; bytes are decoded as UTF-8 (a byte order mark is allowed).
    Questions are separated by blank lines. In strict mode (the default) the first problem
    raises :class:`FormatParseError`; otherwise each question with a problem is skipped, its
    error is added to ``errors`` and reading goes on with the next question, so nothing is
    raised. Whatever the input, no other exception escapes (a non-text argument is a
    programming error and raises ``TypeError``).
    """
    result = GiftResult()
    source = read_source(text, strict=strict, errors=result.errors)
    if source is None:
        return result

    category: str | None = None
    for block in _blocks(source):
        comments = [line for _, line in block if line.startswith("//")]
        content = [(number, line) for number, line in block if not line.startswith("//")]
        if not content:
            continue
        try:
            while content and content[0][1].startswith(_CATEGORY):
                number, line = content.pop(0)
                name = line[len(_CATEGORY):].strip(TRIM_CHARS)
                if not name:
                    raise FormatParseError(number, _("missing category name after $CATEGORY:"))
                category = name
                result.categories.append(name)
            if not content:
                continue
            question = _QuestionReader(content, comments).read()
        except FormatParseError as error:
            if strict:
                raise
            result.errors.append(error)
            continue
        question.category = category
        result.questions.append(question)
    return result



def _blocks(text: str) -> Iterator[list[tuple[int, str]]]:
    """Yield the trimmed non-blank lines of each blank-line separated block, numbered."""
    block: list[tuple[int, str]] = []
    for number, raw in enumerate(_LINE_BREAK.split(text), start=1):
        line = raw.strip(TRIM_CHARS)
        if line:
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _placeholders(text: str) -> dict[str, str]:
    """Pick one private-use character, absent from ``text``, per escapable character.

    An escaped control character (``\\{``) is replaced by its placeholder so that searches
    for the real control characters skip it; placeholders are turned back at the end.
    """
    used = set(text)
    candidates = itertools.chain(
        range(0xE000, 0xF900), range(0xF0000, 0xFFFFE), range(0x100000, 0x10FFFE)
    )
    free = (chr(code) for code in candidates if chr(code) not in used)
    chosen: dict[str, str] = {}
    for key in _ESCAPABLE + "n":
        placeholder = next(free, None)
        if placeholder is None:  # pragma: no cover - needs >130 000 distinct characters
            raise FormatParseError(1, _("the file contains too many special characters"))
        chosen[key] = placeholder
    return chosen


class _QuestionReader:
    """Reads one question from its non-comment lines (Moodle's ``readquestion``).

    The text is kept in a coded form (escapes replaced by placeholders) and every piece is
    handled as a ``(start, end)`` span of it, so each error can name the line it is on.
    """

    def __init__(self, content: list[tuple[int, str]], comments: list[str]) -> None:
        self.first_line = content[0][0]
        self.comments = comments
        joined: list[str] = []
        lines: list[int] = []
        for index, (number, line) in enumerate(content):
            if index:
                joined.append("\n")
                lines.append(content[index - 1][0])
            joined.append(line)
            lines.extend([number] * len(line))
        raw = "".join(joined)
        placeholders = _placeholders(raw)
        self.decode_table = {ord(code): ("\n" if key == "n" else key) for key, code in placeholders.items()}
        chars: list[str] = []
        self.lines: list[int] = []
        i = 0
        while i < len(raw):
            char = raw[i]
            if char == "\\" and i + 1 < len(raw):
                following = raw[i + 1]
                if following == "\\":
                    chars.append("\\")
                    self.lines.append(lines[i])
                    i += 2
                    continue
                if following in placeholders:
                    chars.append(placeholders[following])
                    self.lines.append(lines[i])
                    i += 2
                    continue
            chars.append(char)
            self.lines.append(lines[i])
            i += 1
        self.s = "".join(chars)

    # -- small helpers on spans of the coded text ------------------------------------

    def line_at(self, position: int) -> int:
        if not self.lines:
            return self.first_line
        return self.lines[min(max(position, 0), len(self.lines) - 1)]

    def error(self, position: int, detail: str) -> FormatParseError:
        return FormatParseError(self.line_at(position), detail)

    def strip(self, start: int, end: int) -> tuple[int, int]:
        s = self.s
        while start < end and s[start] in TRIM_CHARS:
            start += 1
        while end > start and s[end - 1] in TRIM_CHARS:
            end -= 1
        return start, end

    def text(self, start: int, end: int) -> str:
        """The plain text of a span: escapes resolved, then trimmed (as Moodle does)."""
        return self.s[start:end].translate(self.decode_table).strip(TRIM_CHARS)

    def formatted(self, start: int, end: int, default: str) -> tuple[str, str]:
        """``(format, text)`` of a span that may start with ``[html]``, ``[markdown]``..."""
        start, end = self.strip(start, end)
        if start < end and self.s[start] == "[":
            close = self.s.find("]", start, end)
            if close > start and self.s[start + 1 : close] in TEXT_FORMATS:
                return self.s[start + 1 : close], self.text(close + 1, end)
        return default, self.text(start, end)

    def split(self, start: int, end: int, separator: str, keep_separator: str = "") -> list[tuple[int, int]]:
        """Spans between separators (PHP ``explode``); the first one is dropped if blank.

        Characters in ``keep_separator`` also split but stay at the start of the next piece
        (Moodle turns ``=`` into ``~=`` before splitting multiple-choice answers on ``~``).
        """
        pieces: list[tuple[int, int]] = []
        piece_start = start
        for position in range(start, end):
            char = self.s[position]
            if char == separator:
                pieces.append((piece_start, position))
                piece_start = position + 1
            elif char in keep_separator:
                pieces.append((piece_start, position))
                piece_start = position
        pieces.append((piece_start, end))
        first_start, first_end = self.strip(*pieces[0])
        if first_start == first_end:
            pieces.pop(0)
        return pieces

    def weight(self, start: int, end: int) -> tuple[Decimal | None, int]:
        """A leading ``%50%`` weight as a fraction, and where the rest of the answer starts."""
        match = _WEIGHT.match(self.s, start, end)
        if not match:
            return None, start
        minus, number = match.groups()
        if len(minus) > 1:
            raise self.error(start, _("weight '%(weight)s' is not valid") % {"weight": match.group(0)})
        fraction = Decimal(number) / _HUNDRED
        if minus:
            fraction = -fraction
        if not -_ONE <= fraction <= _ONE:
            raise self.error(start, _("weight '%(weight)s' must be between -100%% and 100%%")
                             % {"weight": match.group(0)})
        return fraction, match.end()

    def answer_and_feedback(self, start: int, end: int, default: str) -> tuple[str, str, str, str]:
        """Moodle's ``commentparser``: ``text#feedback`` → text format, text, feedback format, feedback."""
        hash_position = self.s.find("#", start, end)
        if hash_position < 0:
            text_format, text = self.formatted(start, end, default)
            return text_format, text, default, ""
        text_format, text = self.formatted(start, hash_position, default)
        feedback_format, feedback = self.formatted(hash_position + 1, end, default)
        return text_format, text, feedback_format, feedback

    # -- the question ------------------------------------------------------------------

    def read(self) -> ParsedQuestion:
        s = self.s
        question = ParsedQuestion(type="description", line=self.first_line)
        self.read_id_and_tags(question)
        start, end = self.strip(0, len(s))

        if s.startswith("::", start, end):
            name_end = s.find("::", start + 2, end)
            if name_end < 0:
                raise self.error(start, _("missing '::' closing the question title"))
            question.title = self.text(start + 2, name_end) or None
            start, end = self.strip(name_end + 2, end)

        open_brace = s.find("{", start, end)
        close_brace = s.find("}", start, end)
        if open_brace < 0 and close_brace < 0:
            question.text_format, question.text = self.formatted(start, end, "moodle")
            question.general_feedback_format = question.text_format
            return question
        if open_brace < 0:
            raise self.error(close_brace, _("there is a '}' but no '{' opening the answer block"))
        if 0 <= close_brace < open_brace:
            raise self.error(
                close_brace,
                _("'}' comes before the '{' opening the answer block; write \\} if you need a brace character"),
            )
        nested = s.find("{", open_brace + 1, close_brace if close_brace >= 0 else end)
        if nested >= 0:
            raise self.error(
                open_brace,
                _("missing '}' closing the answer block (line %(line)s opens a new block with '{')")
                % {"line": self.line_at(nested)},
            )
        if close_brace < 0:
            raise self.error(open_brace, _("missing '}' closing the answer block"))
        extra = [p for p in (s.find("{", close_brace + 1, end), s.find("}", close_brace + 1, end)) if p >= 0]
        if extra:
            raise self.error(
                min(extra),
                _("each question may have only one answer block {...}; "
                  "write \\{ or \\} if you need a brace character in the text"),
            )

        question.text_format, question.text = self.formatted(start, open_brace, "moodle")
        if close_brace + 1 < end:
            question.stem_after = self.text(close_brace + 1, end) or None

        answer_start, answer_end = self.strip(open_brace + 1, close_brace)
        question.general_feedback_format = question.text_format
        separator = s.rfind("####", answer_start, answer_end)
        if separator >= 0:
            question.general_feedback_format, question.general_feedback = self.formatted(
                separator + 4, answer_end, question.text_format
            )
            answer_start, answer_end = self.strip(answer_start, separator)

        answers = s[answer_start:answer_end]
        if not answers:
            question.type = "essay"
        elif answers[0] == "#":
            self.read_numerical(question, answer_start + 1, answer_end, open_brace)
        elif "~" in answers:
            self.read_multichoice(question, answer_start, answer_end, open_brace)
        elif "=" in answers and "->" in answers:
            self.read_matching(question, answer_start, answer_end, open_brace)
        else:
            hash_position = answers.find("#")
            check = answers[:hash_position].strip(TRIM_CHARS) if hash_position > 0 else answers
            if check in _TRUE_FALSE:
                self.read_truefalse(question, answer_start, answer_end)
            else:
                self.read_shortanswer(question, answer_start, answer_end, open_brace)
        if question.type == "shortanswer":
            for option in _OPTION_COMMENT.findall("\n".join(self.comments)):
                setattr(question, option, True)
        return question

    def read_id_and_tags(self, question: ParsedQuestion) -> None:
        comment = "\n".join(self.comments)
        match = _ID_COMMENT.search(comment)
        if match:
            question.id = match.group(1).strip(TRIM_CHARS).replace("\\]", "]") or None
        for raw in _TAG_COMMENT.findall(comment):
            tag = raw.strip(TRIM_CHARS).replace("\\]", "]")
            if tag:
                question.tags.append(tag)

    def read_multichoice(self, question: ParsedQuestion, start: int, end: int, block: int) -> None:
        question.type = "multichoice"
        question.single = "=" in self.s[start:end]
        default = question.text_format
        for piece_start, piece_end in self.split(start, end, "~", keep_separator="="):
            piece_start, piece_end = self.strip(piece_start, piece_end)
            if piece_start == piece_end:
                continue  # Moodle drops answers without text
            if self.s[piece_start] == "=":
                fraction: Decimal | None = _ONE
                piece_start += 1
            else:
                fraction, piece_start = self.weight(piece_start, piece_end)
            text_format, text, feedback_format, feedback = self.answer_and_feedback(piece_start, piece_end, default)
            if not text:
                continue
            question.answers.append(
                ParsedAnswer(
                    text=text,
                    fraction=fraction if fraction is not None else Decimal(0),
                    feedback=feedback,
                    text_format=text_format,
                    feedback_format=feedback_format,
                )
            )
        if len(question.answers) < 2:
            raise self.error(block, _("a multiple-choice question needs at least 2 options with text"))
        if question.single:
            if not any(answer.fraction == _ONE for answer in question.answers):
                raise self.error(block, _("no correct answer: mark the correct answer with '='"))
            return
        total = sum((answer.fraction for answer in question.answers if answer.fraction > 0), Decimal(0))
        if total == 0:
            raise self.error(
                block,
                _("no correct answer: mark the correct answer with '=' "
                  "or give the correct answers a positive weight such as ~%50%"),
            )
        if total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) != _ONE:
            percent = _decimal_text(total * _HUNDRED)
            raise self.error(block, _("the weights of the correct answers must add up to 100%% (they add up to "
                                      "%(percent)s%%)") % {"percent": percent})

    def read_matching(self, question: ParsedQuestion, start: int, end: int, block: int) -> None:
        question.type = "matching"
        pieces = self.split(start, end, "=")
        if len(pieces) < 2:
            raise self.error(block, _("a matching question needs at least 2 pairs"))
        for piece_start, piece_end in pieces:
            piece_start, piece_end = self.strip(piece_start, piece_end)
            arrow = self.s.find("->", piece_start, piece_end)
            if arrow < 0:
                raise self.error(piece_start, _("a matching pair has no '->' (for example: =Hanoi -> Vietnam)"))
            left_format, left = self.formatted(piece_start, arrow, question.text_format)
            right = self.text(arrow + 2, piece_end)
            if not left and not right:
                continue
            if not right:
                raise self.error(piece_start, _("the right side of a matching pair is empty"))
            question.pairs.append(ParsedPair(left=left, right=right, left_format=left_format))
        if sum(1 for pair in question.pairs if pair.left) < 2:
            raise self.error(block, _("a matching question needs at least 2 pairs with both sides"))

    def read_truefalse(self, question: ParsedQuestion, start: int, end: int) -> None:
        question.type = "truefalse"
        default = question.text_format
        bits: list[tuple[int, int]] = []
        piece_start = start
        for position in range(start, end):
            if self.s[position] == "#" and len(bits) < 2:
                bits.append((piece_start, position))
                piece_start = position + 1
        bits.append((piece_start, end))
        question.correct = _TRUE_FALSE[self.text(*bits[0])]
        wrong_format, wrong = self.formatted(*bits[1], default) if len(bits) > 1 else (default, "")
        right_format, right = self.formatted(*bits[2], default) if len(bits) > 2 else (default, "")
        # Moodle: the first feedback is for a wrong answer, the second for a right one.
        if question.correct:
            question.feedback_true, question.feedback_true_format = right, right_format
            question.feedback_false, question.feedback_false_format = wrong, wrong_format
        else:
            question.feedback_true, question.feedback_true_format = wrong, wrong_format
            question.feedback_false, question.feedback_false_format = right, right_format

    def read_shortanswer(self, question: ParsedQuestion, start: int, end: int, block: int) -> None:
        question.type = "shortanswer"
        default = question.text_format
        for piece_start, piece_end in self.split(start, end, "="):
            piece_start, piece_end = self.strip(piece_start, piece_end)
            fraction, piece_start = self.weight(piece_start, piece_end)
            _format, text, feedback_format, feedback = self.answer_and_feedback(piece_start, piece_end, default)
            if not text:
                continue  # Moodle drops answers without text
            question.answers.append(
                ParsedAnswer(
                    text=text,
                    fraction=fraction if fraction is not None else _ONE,
                    feedback=feedback,
                    text_format=default,
                    feedback_format=feedback_format,
                )
            )
        if not question.answers:
            raise self.error(block, _("a short-answer question needs at least one answer"))
        if not any(answer.fraction == _ONE for answer in question.answers):
            raise self.error(block, _("at least one answer must be worth 100%"))

    def read_numerical(self, question: ParsedQuestion, start: int, end: int, block: int) -> None:
        question.type = "numerical"
        default = question.text_format
        tilde = self.s.find("~", start, end)
        main_end = tilde if tilde >= 0 else end
        for piece_start, piece_end in self.split(start, main_end, "="):
            piece_start, piece_end = self.strip(piece_start, piece_end)
            if piece_start == piece_end:
                continue
            fraction, rest = self.weight(piece_start, piece_end)
            _text_format, text, feedback_format, feedback = self.answer_and_feedback(rest, piece_end, default)
            if not text:
                continue
            answer = ParsedAnswer(
                text=text,
                fraction=fraction if fraction is not None else _ONE,
                feedback=feedback,
                text_format=default,
                feedback_format=feedback_format,
            )
            self.read_number(answer, piece_start)
            question.answers.append(answer)
        if not question.answers:
            raise self.error(block, _("a numerical question needs at least one answer (for example: {#3.14:0.01})"))
        if not any(answer.fraction == _ONE for answer in question.answers):
            raise self.error(block, _("at least one answer must be worth 100%"))
        if tilde >= 0:
            # Moodle: everything from the first '~' is the feedback for any other answer.
            _text_format, _text, feedback_format, feedback = self.answer_and_feedback(tilde, end, default)
            question.answers.append(
                ParsedAnswer(text="*", feedback=feedback, text_format=default, feedback_format=feedback_format)
            )

    def read_number(self, answer: ParsedAnswer, position: int) -> None:
        """Fill ``tolerance`` (and ``min``/``max`` for ranges) from ``answer.text``."""
        text = answer.text
        if text == "*":
            return
        try:
            dots = text.find("..")
            if dots > 0:
                low = self.number(text[:dots], position)
                high = self.number(text[dots + 2 :], position)
                if low > high:
                    raise self.error(position, _("range '%(range)s' is not valid: the first number is greater "
                                                 "than the last") % {"range": text})
                middle = (low + high) / 2
                answer.min, answer.max = low, high
                answer.text, answer.tolerance = _decimal_text(middle), high - middle
                return
            colon = text.find(":")
            if colon > 0:
                self.number(text[:colon], position)
                tolerance = self.number(text[colon + 1 :], position)
                if tolerance < 0:
                    raise self.error(position, _("tolerance '%(tolerance)s' must not be negative")
                                     % {"tolerance": text[colon + 1:].strip()})
                answer.text, answer.tolerance = text[:colon].strip(TRIM_CHARS), tolerance
                return
            self.number(text, position)
            answer.tolerance = Decimal(0)
        except ArithmeticError:  # decimal overflow on absurd exponents
            raise self.error(position, _("number '%(number)s' is too large or too small") % {"number": text}) from None

    def number(self, raw: str, position: int) -> Decimal:
        value = raw.strip(TRIM_CHARS)
        if not _NUMBER.fullmatch(value):
            raise self.error(position, _("'%(value)s' is not a number (use a point for decimals)") % {"value": value})
        return Decimal(value)

