"""Shared by the learning services: limits and the error users see."""

from __future__ import annotations


DUE_SOON_DAYS = 3
RECERTIFY_LEAD_DAYS = 30
MAX_HEARTBEAT_SECONDS = 120


class LearningError(Exception):
    """A learning rule was broken; the message is for the user (Vietnamese through gettext)."""


class LessonLocked(LearningError):
    """The course locks its lessons in order and `blocking` (a required lesson before) is not done yet."""

    def __init__(self, blocking) -> None:  # noqa: ANN001
        from django.utils.translation import gettext as _

        self.blocking = blocking
        super().__init__(_("This lesson opens when you have finished “%(lesson)s”.") % {"lesson": blocking.title})
