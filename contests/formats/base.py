"""The base class and registry of round formats."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

_registry: dict[str, type[RoundFormatBase]] = {}


@dataclass(frozen=True)
class ScoreRow:
    """One entry's result in one round: its points and the values its tie-breaks compare."""

    registration_id: int
    points: Decimal
    tie_breaks: tuple = ()


class RoundFormatBase(ABC):
    """What every round format provides. Subclasses set `code` (a `RoundFormat` value)."""

    code: ClassVar[str]

    def __init__(self, round_) -> None:  # noqa: ANN001
        self.round = round_

    def clean_options(self, options: dict) -> dict:
        """Validate and normalise `Round.options` for this format; raise ValidationError."""
        return dict(options)

    @abstractmethod
    def scores(self, *, live: bool = True) -> list[ScoreRow]:
        """Each registration's points in this round; `live=False` gives what contestants may
        see (a frozen board during a freeze)."""

    @abstractmethod
    def scoreboard(self, *, viewer=None) -> dict:  # noqa: ANN001
        """The data the round's scoreboard page renders for `viewer`."""


def register(cls: type[RoundFormatBase]) -> type[RoundFormatBase]:
    _registry[cls.code] = cls
    return cls


def registered_formats() -> dict[str, type[RoundFormatBase]]:
    # Importing the package modules registers the formats they define.
    from contests.formats.discover import discover

    discover()
    return dict(_registry)


def format_for(round_) -> RoundFormatBase:  # noqa: ANN001
    formats = registered_formats()
    return formats[round_.format](round_)
