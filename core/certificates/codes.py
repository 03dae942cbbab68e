"""Verification codes printed on certificates and typed back from paper."""

from __future__ import annotations

import re
import secrets

VERIFICATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud and typed from paper


def new_verification_code() -> str:
    """Twelve characters of VERIFICATION_ALPHABET (about 60 bits)."""
    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(12))


def normalise_code(typed: str) -> str:
    """A code as typed from paper ("abcd - efgh…") → "ABCDEFGH…"."""
    return re.sub(r"[^0-9A-Za-z]", "", typed or "").upper()
