"""Moodle-compatible GIFT and Aiken question import and export, in pure Python.

Nothing here touches Django: parsers turn file text into :class:`ParsedQuestion` objects
and serialisers turn them back into text. Every problem in a file is reported as a
:class:`FormatParseError` carrying a line number and a Vietnamese message.
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
