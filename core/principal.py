"""A short-lived cache of who is signed in: the user row, and (filled by org) the officer and roles.

Every page needs them; reading them from the cache lets a page whose own data is cached (the home
page) run without opening a database connection at all. Entries are dropped by the signals below
whenever the rows they copy are saved or deleted, and by `principal_forget` after queryset updates
that bypass signals; a unit, position or group change drops everything (a new version).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.cache import cache

VERSION_KEY = "thads:principal:version"
TTL_SECONDS = 300


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, secrets.token_hex(4), None)
        version = cache.get(VERSION_KEY) or "0"
    return version


def principal_key(kind: str, user_id: Any) -> str:
    return f"thads:principal:{_version()}:{kind}:{user_id}"


def principal_get(kind: str, user_id: Any) -> Any:
    return cache.get(principal_key(kind, user_id))


def principal_set(kind: str, user_id: Any, value: Any) -> None:
    cache.set(principal_key(kind, user_id), value, TTL_SECONDS)


def principal_forget(user_id: Any) -> None:
    """Drop the cached user and officer of one account (call after a queryset .update() on them)."""
    cache.delete_many([principal_key("user", user_id), principal_key("officer", user_id)])


def principal_forget_all() -> None:
    """Drop every cached principal (after a change to units, positions or role groups)."""
    cache.set(VERSION_KEY, secrets.token_hex(4), None)
