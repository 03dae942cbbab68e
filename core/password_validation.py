"""Password rules of our own, beside Django's (length, common list, similarity, all digits)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.text import fold

# Letters that, once digits and symbols are taken away, make a password guessable from the site itself.
SITE_WORDS = frozenset({"thads", "thadsit", "thadsdemo", "thihanhan", "thihanhandansu", "thadsmoj", "moj",
                        "matkhau", "password", "quantri", "admin", "canbo", "chaphanhvien"})


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", fold(text or ""))


class ContextWordsValidator:
    """Refuses a password built from the user's own names or the site's name plus digits and symbols.

    Django's similarity check misses "canbo12345" for the user "canbo" (the digits lower the ratio);
    here the password's letters may not contain the user name, the e-mail's local part or a part of the
    person's name, and may not be one of SITE_WORDS ("Thads@2026").
    """

    def validate(self, password: str, user=None) -> None:  # noqa: ANN001
        letters = _letters(password)
        if letters in SITE_WORDS or not letters and password:
            raise ValidationError(_("This password is too easy to guess from the site's name."),
                                  code="password_site_word")
        if user is None:
            return
        words = [getattr(user, "username", ""), (getattr(user, "email", "") or "").split("@")[0],
                 getattr(user, "first_name", ""), getattr(user, "last_name", "")]
        # Whole user name and e-mail name from 3 letters; parts of a person's name from 4 ("Văn", "Thị"
        # are in half the country's names and in many ordinary words).
        parts = {_letters(part) for word in words for part in re.split(r"[\s._\-]+", word or "")}
        wholes = {_letters(word) for word in words[:2]}
        if any(len(part) >= 4 and part in letters for part in parts) or any(
                len(whole) >= 3 and whole in letters for whole in wholes):
            raise ValidationError(_("The password may not contain your user name, e-mail or name."),
                                  code="password_contains_user_words")

    def get_help_text(self) -> str:
        return _("Your password may not contain your user name, e-mail or name, nor the site's name.")
