"""GIFT import and export that reads files the way Moodle's GIFT importer does.

Reading follows Moodle's ``qformat_gift`` step by step: the file is cut into questions at
blank lines, every line is trimmed, ``//`` comment lines are dropped, escapes (``\\~ \\= \\#
\\{ \\} \\: \\n \\\\``) are resolved, the answer block is the text between the first ``{``
and the first ``}``, and the question type is decided from that block with Moodle's rules.
Where Moodle would silently store something broken (a "no right answer" question, a weight
of 150%, a numerical answer that is not a number...) the reader reports an error instead.
The known differences from Moodle are listed in the formats README.

Writing produces GIFT that both Moodle and :func:`parse_gift` read back to the same
questions.

The package: ``common`` (constants and text helpers shared by both directions), ``read``
(:func:`parse_gift`) and ``write`` (:func:`serialize_gift`).
"""

from .common import TRIM_CHARS, as_text, read_source
from .read import GiftResult, parse_gift
from .write import serialize_gift

__all__ = ["TRIM_CHARS", "GiftResult", "as_text", "parse_gift", "read_source", "serialize_gift"]
