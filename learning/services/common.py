"""Shared by the learning services: limits and the error users see."""

from __future__ import annotations


DUE_SOON_DAYS = 3
RECERTIFY_LEAD_DAYS = 30
MAX_HEARTBEAT_SECONDS = 120


class LearningError(Exception):
    """A learning rule was broken; the message is for the user (Vietnamese through gettext)."""
