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

    def max_points(self) -> Decimal | None:
        """The most points an entry can get in this round, so that overall results put every round
        on a 0–100 scale before weighting; None means "the round's best entry" sets the scale."""
        return None

    @abstractmethod
    def scores(self, *, live: bool = True) -> list[ScoreRow]:
        """Each registration's points in this round; `live=False` gives what contestants may
        see (a frozen board during a freeze)."""

    @abstractmethod
    def scoreboard(self, *, viewer=None) -> dict:  # noqa: ANN001
        """The data the round's scoreboard page renders for `viewer`."""


def shared_ranks(keys: list) -> list[int]:
    """Ranks for rows already sorted by `keys` (best first), DMOJ style: rows with equal keys share
    a rank and the next rank skips ahead (1, 2, 2, 4)."""
    ranks: list[int] = []
    for position, key in enumerate(keys):
        ranks.append(ranks[-1] if position and key == keys[position - 1] else position + 1)
    return ranks


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
