"""The single error type raised by the GIFT and Aiken parsers."""

from __future__ import annotations

from django.utils.translation import gettext as _


class FormatParseError(Exception):
    """A question file could not be read.

    ``line`` is the 1-based line of the problem in the file. ``detail`` is the problem without
    the line, and ``message`` is what trainers see, with the line, e.g.
    ``"Dòng 7: thiếu dấu '}' đóng khối đáp án"``. ``str(error)`` is ``message``. Both are
    translated (Django's gettext) into the language active when the error is raised.
    """

    def __init__(self, line: int, detail: str) -> None:
        self.line = max(1, int(line))
        self.detail = detail
        self.message = _("Line %(line)s: %(detail)s") % {"line": self.line, "detail": detail}
        super().__init__(self.line, detail)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"FormatParseError(line={self.line!r}, detail={self.detail!r})"
