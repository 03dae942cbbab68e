"""Plain data classes for questions read from (or written to) GIFT and Aiken files.

These classes know nothing about Django or the database: the import code maps them onto
the quiz models. Texts are stored exactly as the author meant them, with GIFT escapes
already resolved (``\\{`` is stored as ``{``) and surrounding white space removed.

Every text has a format, one of :data:`TEXT_FORMATS` (Moodle's names):

* ``"moodle"`` - Moodle auto-format: line breaks are kept, HTML is allowed;
* ``"html"`` - HTML;
* ``"markdown"`` - Markdown;
* ``"plain"`` - plain text, shown literally.

Formats are always resolved: an answer written without its own ``[format]`` prefix carries
its question's format, never ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

TEXT_FORMATS: Final = ("moodle", "html", "markdown", "plain")

QUESTION_TYPES: Final = (
    "multichoice",  # one or several correct choices, see ParsedQuestion.single
    "truefalse",
    "shortanswer",
    "numerical",
    "matching",
    "essay",
    "description",  # text only, no answer, no grade
)


@dataclass
class ParsedAnswer:
    """One answer of a multiple-choice, short-answer or numerical question.

    ``fraction`` is the share of the mark the answer earns, between -1 and 1
    (``%50%`` gives ``Decimal("0.5")``, ``%33.33333%`` gives ``Decimal("0.3333333")``).

    Numerical answers use ``text`` for the number as written (or ``"*"``, which accepts any
    answer and is used for the "wrong answer" feedback ``~#...``) and ``tolerance`` for the
    accepted error (``{#3:0.5}`` gives text ``"3"``, tolerance ``0.5``; a bare ``{#3}`` has
    tolerance ``0``; ``"*"`` has none). A range ``{#1..5}`` sets ``min`` and ``max`` and, as
    Moodle stores it, the midpoint as ``text`` and the half width as ``tolerance``.

    Short-answer and numerical answers have no format of their own in Moodle; the parser
    gives them the question's format.
    """

    text: str
    fraction: Decimal = Decimal("0")
    feedback: str = ""
    text_format: str = "moodle"
    feedback_format: str = "moodle"
    tolerance: Decimal | None = None
    min: Decimal | None = None
    max: Decimal | None = None


@dataclass
class ParsedPair:
    """One row of a matching question: ``left`` (a sub-question) is matched to ``right``.

    A pair with an empty ``left`` is an extra wrong choice for the right-hand side.
    ``right`` is always plain text (Moodle keeps no format for it).
    """

    left: str
    right: str
    left_format: str = "moodle"


@dataclass
class ParsedQuestion:
    """One question, as read from a GIFT or Aiken file.

    Fields by question type:

    * ``multichoice``: ``answers``; ``single`` is ``True`` when exactly one choice may be
      picked (GIFT: the block contains an ``=`` answer), ``False`` for multiple response;
    * ``truefalse``: ``correct`` (the right statement value), ``feedback_true`` shown to a
      student who answers "true" and ``feedback_false`` shown to one who answers "false";
    * ``shortanswer`` and ``numerical``: ``answers``; a short answer also has
      ``case_sensitive`` and ``accent_insensitive`` (GIFT: ``// [option:...]`` comments);
    * ``matching``: ``pairs``;
    * ``essay`` and ``description``: only the texts.

    ``stem_after`` is set for "missing word" questions, where the answer block sits inside
    the sentence (``Grant is {~buried =entombed} in Grant's tomb.``): ``text`` then holds the
    part before the blank and ``stem_after`` the part after it. It is ``None`` when the answer
    block ends the question.

    ``category`` is the last ``$CATEGORY:`` seen before the question in the file, ``id`` and
    ``tags`` come from ``// [id:...]`` and ``// [tag:...]`` comments (Moodle 3.6+), and
    ``line`` is the 1-based line where the question starts. ``line`` is informative only and
    is ignored when questions are compared.
    """

    type: str
    text: str = ""
    text_format: str = "moodle"
    title: str | None = None
    stem_after: str | None = None
    category: str | None = None
    id: str | None = None
    tags: list[str] = field(default_factory=list)
    general_feedback: str = ""
    general_feedback_format: str = "moodle"
    answers: list[ParsedAnswer] = field(default_factory=list)
    single: bool = True
    pairs: list[ParsedPair] = field(default_factory=list)
    correct: bool | None = None
    case_sensitive: bool = False
    accent_insensitive: bool = False
    feedback_true: str = ""
    feedback_true_format: str = "moodle"
    feedback_false: str = ""
    feedback_false_format: str = "moodle"
    line: int = field(default=0, compare=False)

    @property
    def is_missing_word(self) -> bool:
        """Whether the answer block sits inside the sentence (text continues after it)."""
        return self.stem_after is not None
