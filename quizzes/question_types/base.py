"""What every question type can do, and the shared pieces of grading (no database)."""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from core.text import nfc
from quizzes.formats import ParsedQuestion
from quizzes.question_types.editing import answer_rows_add, answer_rows_read, answers_need_a_full_mark

CORRECT, PARTIAL, WRONG, UNANSWERED, NEEDS_GRADING = "correct", "partial", "wrong", "unanswered", "needs_grading"
BLANK = ""  # distribution key of an unanswered response


@dataclass(frozen=True)
class Grade:
    """``fraction`` is in [0, 1], or None when a person must grade (essays)."""

    fraction: float | None
    state: str
    feedback: list[str]
    matched: tuple[str, ...] = ()  # ids of the answers that matched (for the review)


def clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def state_of(fraction: float) -> str:
    if fraction >= 0.999999:
        return CORRECT
    return PARTIAL if fraction > 0 else WRONG


def fraction_of(answer: dict[str, Any]) -> float:
    return float(Decimal(str(answer.get("fraction", "0"))))


def decimal_or_none(value: Any) -> Decimal | None:  # noqa: ANN401
    return None if value in (None, "") else Decimal(str(value))


def decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def accepted_texts(data: dict[str, Any]) -> list[str]:
    """The answers worth 100% of a short-answer or numerical question, as the review shows them."""
    out = []
    for answer in data.get("answers", []):
        if fraction_of(answer) < 0.999999 or answer.get("text") == "*":
            continue
        if answer.get("min") not in (None, "") and answer.get("max") not in (None, ""):
            out.append(f"{answer['min']} – {answer['max']}")
        elif answer.get("tolerance") not in (None, "", "0", 0):
            out.append(f"{answer['text']} ± {answer['tolerance']}")
        else:
            out.append(answer["text"])
    return out


@dataclass(frozen=True)
class PostedFields:
    """Read access to the posted fields of one answer (a QueryDict or a dict of values or lists).

    Values come back in NFC, so an answer typed with combining accents is stored and graded
    like the same answer typed precomposed."""

    raw: Any

    def get(self, name: str) -> str:
        value = self.raw.get(name, "")
        return nfc(value[-1] if isinstance(value, list) and value else (value or ""))

    def getlist(self, name: str) -> list[str]:
        if hasattr(self.raw, "getlist"):
            return [nfc(value) for value in self.raw.getlist(name)]
        value = self.raw.get(name) or []
        return [nfc(value)] if isinstance(value, str) else [nfc(item) for item in value]


class QuestionTypeBase(ABC):
    """One question type. Subclasses set ``name`` and override what differs; the registry keeps one
    instance per type (``question_type_for``). Every method is pure: ``data`` is a version's
    type-specific JSON (see quizzes/README.md), ``response`` what an attempt stored."""

    name: ClassVar[str] = ""
    #: Whether answers get a mark (a description does not).
    gradable: ClassVar[bool] = True
    #: Whether a person gives the mark (an essay): left out where only automatic marks will do.
    marked_by_hand: ClassVar[bool] = False
    #: Headers of the columns a type adds to the answer rows of the bank's form, and a hint under them.
    answer_columns: ClassVar[tuple[Any, ...]] = ()
    answers_hint: ClassVar[Any] = ""
    #: Whether Aiken (single-choice only) can carry the type.
    aiken: ClassVar[bool] = False
    #: The answer inputs (and, in a review, the right choices) inside ``quizzes/_question.html``;
    #: empty for a type with nothing to answer.
    template: ClassVar[str] = "quizzes/question_types/typed.html"

    # --- answering -------------------------------------------------------------------------
    def response_build(self, *, data: dict[str, Any], order: list[str], fields: PostedFields,
                       refuse: Callable[[str], Exception]) -> dict[str, Any]:
        """The stored response from posted fields; raises ``refuse(message)`` on an unknown choice."""
        from django.utils.translation import gettext as _

        text = fields.get("text")
        if len(text) > 20000:
            raise refuse(_("The answer is too long."))
        return {"text": text}

    def response_fits(self, *, data: dict[str, Any], response: dict[str, Any] | None) -> bool:
        """Whether a stored response still names only choices that exist in ``data`` (regrade)."""
        return True

    def order_draw(self, *, data: dict[str, Any], shuffle: bool, rng: random.Random) -> list[str]:
        """The choice order an attempt keeps (choice ids, or right-hand texts for matching)."""
        return []

    def is_blank(self, response: dict[str, Any] | None) -> bool:
        return not response or not str(response.get("text", "")).strip()

    # --- grading ---------------------------------------------------------------------------
    @abstractmethod
    def grade(self, data: dict[str, Any], response: dict[str, Any] | None) -> Grade:
        """The automatic grade of ``response``."""

    def right_answers(self, data: dict[str, Any]) -> list[str]:
        """Texts of the right answer(s), for the review only."""
        return []

    def distribution(self, data: dict[str, Any], responses: Iterable[dict[str, Any] | None]) -> dict[str, int]:
        """How many responses fall under each key (see :meth:`distribution_keys`); ``BLANK`` counts
        the unanswered ones. Keys come in display order, every known key present (zero allowed)."""
        counts = dict.fromkeys(self.distribution_keys(data), 0)
        counts.setdefault(BLANK, 0)
        for response in responses:
            for key in self.distribution_of(data, response):
                counts[key] = counts.get(key, 0) + 1
        return counts

    def distribution_keys(self, data: dict[str, Any]) -> list[str]:
        """The keys known before any answer arrives (choice ids, "true"/"false", answer ids)."""
        return [answer["id"] for answer in data.get("answers", [])]

    def distribution_of(self, data: dict[str, Any], response: dict[str, Any] | None) -> list[str]:
        """The keys one response counts under: the matched answer ids, or ``BLANK`` / "other"."""
        if self.is_blank(response):
            return [BLANK]
        return list(self.grade(data, response).matched) or ["other"]

    # --- showing ---------------------------------------------------------------------------
    def show_for_attempt(self, shown: dict[str, Any], *, data: dict[str, Any], order: list[str],
                         response: dict[str, Any], render: Callable[[str, str], str], text_format: str) -> None:
        """Add to ``shown`` what the answer form needs: texts and choice ids, never a fraction."""
        shown["text_value"] = response.get("text", "")

    def show(self, shown: dict[str, Any], *, data: dict[str, Any], order: list[str], response: dict[str, Any],
             render: Callable[[str, str], str], text_format: str) -> None:
        """Everything the answer inputs need: :meth:`show_for_attempt` and the type's template."""
        shown["template"] = self.template
        self.show_for_attempt(shown, data=data, order=order, response=response, render=render,
                              text_format=text_format)

    def show_right(self, shown: dict[str, Any], *, data: dict[str, Any]) -> None:
        """Mark the right choices in a review page that may show them."""
        shown["right_answers"] = self.right_answers(data)

    # --- live contest rounds (contests/live_questions.py) ------------------------------------
    #: Whether a host-paced live round can show the type (its devices answer with one tap or a number).
    live: ClassVar[bool] = False

    def live_kind(self, data: dict[str, Any]) -> str:
        """What the devices' answer screen shows: "single", "multiple", "truefalse" or "numerical"."""
        return self.name

    def live_choices(self, *, data: dict[str, Any], order: list[str],
                     render: Callable[[str, str], str], text_format: str) -> list[dict[str, Any]]:
        """The choices a device may see before the reveal, in the order shown: ids and HTML only."""
        return []

    def live_response(self, data: dict[str, Any], raw: dict[str, Any],
                      refuse: Callable[[str], Exception]) -> dict[str, Any]:
        """A device's answer as a stored response; raises ``refuse(message)`` on an empty or unknown one."""
        raise refuse("")  # only live types are asked

    def live_right(self, data: dict[str, Any]) -> dict[str, Any]:
        """What the reveal shows as right: choice ids and texts."""
        return {"choices": [], "texts": self.right_answers(data)}

    def live_distribution(self, data: dict[str, Any], responses: list[dict[str, Any]],
                          choices: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """How many devices picked each choice shown (``choices`` from :meth:`live_choices`)."""
        counts = self.distribution(data, responses)
        right = set(self.live_right(data)["choices"])
        return [{"id": choice["id"], "html": choice["html"], "count": counts.get(choice["id"], 0),
                 "right": choice["id"] in right} for choice in choices]

    # --- editing in the bank (quizzes.forms.QuestionForm; shared rows in question_types.editing) --
    def form_fields_add(self, form: Any, *, data: dict[str, Any]) -> None:  # noqa: ANN401
        """Add the type's own fields to the bank's question form; initial values from ``data`` (the
        edited version's data, or {} for a new question)."""

    def form_data(self, form: Any, cleaned: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN401
        """The type's ``data`` from the cleaned form; problems go to ``form.add_error``."""
        return {}

    # --- demo ------------------------------------------------------------------------------
    def demo_fields(self, data: dict[str, Any], *, right: bool, rng: random.Random) -> dict[str, Any]:
        """Posted fields of a right (or a wrong) answer, for the demo's finished attempts."""
        return {}

    # --- files (GIFT / Aiken) --------------------------------------------------------------
    def data_from_parsed(self, parsed: ParsedQuestion) -> dict[str, Any]:
        """The ``data`` JSON of a version built from a question read from a file."""
        return {}

    def parsed_fill(self, question: ParsedQuestion, *, data: dict[str, Any], text_format: str) -> None:
        """Fill the type-specific parts of ``question`` (export) from a version's ``data``."""


_REGISTRY: dict[str, QuestionTypeBase] = {}


def register(cls: type[QuestionTypeBase]) -> type[QuestionTypeBase]:
    """Class decorator: register one instance of ``cls`` under ``cls.name`` (once)."""
    if cls.name in _REGISTRY:
        raise ValueError(f"question type {cls.name!r} registered twice")
    _REGISTRY[cls.name] = cls()
    return cls


def question_type_for(qtype: str) -> QuestionTypeBase:
    """The registered type called ``qtype``; KeyError for an unknown name."""
    return _REGISTRY[qtype]


def question_types() -> dict[str, QuestionTypeBase]:
    """Every registered type by name."""
    return dict(_REGISTRY)


class TypedAnswerBase(QuestionTypeBase):
    """A type whose response is typed text checked against ``data["answers"]`` in order: the first
    accepted answer gives the fraction and feedback (Moodle's short answer and numerical)."""

    def read_typed(self, text: str) -> Any:  # noqa: ANN401
        """The typed text as the type compares it, or None when it can never match (WRONG)."""
        return text

    @abstractmethod
    def accepts(self, data: dict[str, Any], answer: dict[str, Any], typed: Any) -> bool:  # noqa: ANN401
        """Whether ``answer`` accepts the value from :meth:`read_typed`."""

    def grade(self, data: dict[str, Any], response: dict[str, Any] | None) -> Grade:
        text = str((response or {}).get("text", "")).strip()
        if not text:
            return Grade(0.0, UNANSWERED, [])
        typed = self.read_typed(text)
        if typed is None:
            return Grade(0.0, WRONG, [])
        for answer in data.get("answers", []):
            if self.accepts(data, answer, typed):
                fraction = clamp(fraction_of(answer))
                feedback = [answer["feedback"]] if answer.get("feedback") else []
                return Grade(fraction, state_of(fraction), feedback, (answer["id"],))
        return Grade(0.0, WRONG, [])

    def right_answers(self, data: dict[str, Any]) -> list[str]:
        return accepted_texts(data)

    def answer_row_fields(self, i: int, answer: dict[str, Any]) -> list[tuple[str, Any]]:
        """Fields a type adds to answer row ``i`` of the bank's form (see editing.answer_rows_add)."""
        return []

    def answer_row_values(self, form: Any, i: int, text: str) -> dict[str, Any]:  # noqa: ANN401
        """Values a type adds to the stored answer of row ``i``; may report ``form.add_error``."""
        return {}

    def form_options(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        """The type's options beside its answers (short answer: case and accents)."""
        return {}

    def form_fields_add(self, form: Any, *, data: dict[str, Any]) -> None:  # noqa: ANN401
        answer_rows_add(form, data=data, extra=self.answer_row_fields)

    def form_data(self, form: Any, cleaned: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN401
        answers = answer_rows_read(form, cleaned, extra=lambda i, text: self.answer_row_values(form, i, text))
        answers_need_a_full_mark(form, answers)
        return {**self.form_options(cleaned), "answers": answers}
