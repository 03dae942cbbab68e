"""The single error type raised by the GIFT and Aiken parsers."""

from __future__ import annotations


class FormatParseError(Exception):
    """A question file could not be read.

    ``line`` is the 1-based line of the problem in the file. ``detail`` is the problem in
    Vietnamese without the line, and ``message`` is what trainers see, with the line, e.g.
    ``"Dòng 7: thiếu dấu '}' đóng khối đáp án"``. ``str(error)`` is ``message``.
    """

    def __init__(self, line: int, detail: str) -> None:
        self.line = max(1, int(line))
        self.detail = detail
        self.message = f"Dòng {self.line}: {detail}"
        super().__init__(self.line, detail)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"FormatParseError(line={self.line!r}, detail={self.detail!r})"
