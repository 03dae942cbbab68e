"""Constants and text helpers shared by the GIFT reader and writer."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from core.text import nfc

from ..errors import FormatParseError

# PHP's trim() characters: Moodle trims lines and texts with exactly these.
TRIM_CHARS = " \t\n\r\0\x0b"

_ESCAPABLE = ":#={}~"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Moodle: '/^%\-*([0-9]{1,2})\.?([0-9]*)%/'.
_WEIGHT = re.compile(r"%(-*)([0-9]{1,2}\.?[0-9]*)%")
# What PHP's is_numeric() accepts once trimmed (hex and other oddities aside).
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Moodle's extract_idnumber_and_tags_from_comment().
_ID_COMMENT = re.compile(r"\[id:((?:\\\]|[^\]\[\x00-\x1f\x7f])+)\]")
_TAG_COMMENT = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])+)\]")
# Options Moodle's GIFT cannot say, kept in a comment Moodle ignores: // [option:accent_insensitive]
SHORTANSWER_OPTIONS = ("case_sensitive", "accent_insensitive")
_OPTION_COMMENT = re.compile(r"\[option:(" + "|".join(SHORTANSWER_OPTIONS) + r")\]")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_CATEGORY = "$CATEGORY:"
_ONE = Decimal(1)
_HUNDRED = Decimal(100)


def as_text(data: str | bytes) -> str:
    if isinstance(data, (bytes, bytearray)):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = bytes(data)[: error.start].count(b"\n") + 1
            raise FormatParseError(line, _("the file is not encoded in UTF-8")) from None
    elif not isinstance(data, str):
        raise TypeError(f"expected str or bytes, got {type(data).__name__}")
    # Accents typed as combining marks (Unikey "Unicode tổ hợp", macOS) are read as precomposed.
    return nfc(data[1:] if data.startswith("\ufeff") else data)



def _decimal_text(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 0.50 → "0.5", 1E+2 → "100"."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _has_line_break(text: str) -> bool:
    return "\n" in text or "\r" in text


def read_source(text: str | bytes, *, strict: bool, errors: list[FormatParseError]) -> str | None:
    """The file as NFC text (see :func:`as_text`), or None once its encoding error is raised
    (strict) or added to ``errors`` (lenient). Shared by the GIFT and Aiken readers."""
    try:
        return as_text(text)
    except FormatParseError as error:
        if strict:
            raise
        errors.append(error)
        return None
