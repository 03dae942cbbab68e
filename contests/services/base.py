"""What every contests service shares."""

from __future__ import annotations


class ContestError(Exception):
    """A rule of contests was broken; the message is for the user (Vietnamese). Nothing was changed."""
