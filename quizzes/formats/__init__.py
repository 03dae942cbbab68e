"""Moodle-compatible GIFT and Aiken question import and export, in pure Python.

No ORM here; messages go through Django's gettext. Parsers turn file text into
:class:`ParsedQuestion` objects and serialisers turn them back into text. Every problem in a
file is reported as a :class:`FormatParseError` carrying a line number and a message: an
English msgid translated when raised (Vietnamese in ``quizzes/locale/vi``, the default).
"""

from .aiken import AikenResult, parse_aiken, serialize_aiken
from .errors import FormatParseError
from .gift import GiftResult, parse_gift, serialize_gift
from .model import QUESTION_TYPES, TEXT_FORMATS, ParsedAnswer, ParsedPair, ParsedQuestion

__all__ = [
    "QUESTION_TYPES",
    "TEXT_FORMATS",
    "AikenResult",
    "FormatParseError",
    "GiftResult",
    "ParsedAnswer",
    "ParsedPair",
    "ParsedQuestion",
    "parse_aiken",
    "parse_gift",
    "serialize_aiken",
    "serialize_gift",
]
