"""Text helpers shared by every app."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case and strip Vietnamese diacritics, so "Nguyễn Văn Ả" matches "nguyen van a"."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().split())
