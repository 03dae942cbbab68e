"""Round formats as a registry of strategy classes (DMOJ's contest_format idea).

Each format (online, live, judged) is one class registered once with `@register`; it owns the
round's scoring and its scoreboard, so a new format is one class. Look a format up with
`format_for(round)`.
"""

from __future__ import annotations

from contests.formats.base import RoundFormatBase, format_for, register, registered_formats

__all__ = ["RoundFormatBase", "format_for", "register", "registered_formats"]
