"""Per-person cache of rendered home-page panels.

A panel's HTML is kept in Django's cache (local memory in the embedded default, Redis when REDIS_URL
is set) for at most `THADS_PANEL_CACHE_SECONDS` (0 turns the cache off). The person is the officer
(org registers `register_panel_owner`); accounts without an officer record are not cached. Its key holds the person,
the panel, today's date, the active language and two version tokens:

- a token per person and panel, renewed by `panel_cache_bump(officer_ids=..., panel=...)` when a write
  changes what that person's panel shows (their own step, lesson, attempt, a course assigned to them);
- a token per panel, renewed by `panel_cache_bump_all(panel=...)` when a write changes the panel for
  everyone (a course or quiz published, a quiz's times changed).

A bump renews the token at once (the rest of the request sees the write) and again when the
transaction commits (a page rendered by another request between the write and the commit read the old
rows; its entry then carries a token that is already replaced). So a page requested after the write
sees it at once. Changes nobody bumps (an officer moved to another unit, a role granted) show after at most
the TTL. A panel's context may also say until when it holds (`"cache_until"`: an aware datetime), and
an app may register for a panel the next moment anything of it changes by the clock alone
(`register_panel_expiry`, e.g. the next time any quiz opens or closes); the entry never outlives it.

A missing token (never set, expired, evicted) is replaced by a fresh random one, never by a number
that an older entry could carry, so an eviction can only cause a miss, never a stale hit.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

PREFIX = "thads:panel"
DEFAULT_SECONDS = 60
VERSION_SECONDS = 24 * 60 * 60  # tokens outlive every entry that names them
_HIDDEN = "\x00hidden"  # a panel with nothing for this person is cached too

# What a panel's render returns: its HTML (None when the panel is hidden) and, optionally, the moment
# after which it may show something else although nothing was written (None: only the TTL applies).
Rendered = tuple[str | None, datetime | None]


_owner: list[Callable[[Any], int | None]] = []


def register_panel_owner(resolver: Callable[[Any], int | None]) -> None:
    """`resolver(user)` gives the id panels are cached under (the officer's), None for no cache."""
    _owner[:] = [resolver]


def panel_owner(user) -> int | None:  # noqa: ANN001
    return _owner[0](user) if _owner and getattr(user, "is_authenticated", False) else None


_expiry: dict[str, Callable[[datetime], datetime | None]] = {}


def register_panel_expiry(panel: str, next_change: Callable[[datetime], datetime | None]) -> None:
    """`next_change(now)` gives the next moment after `now` when `panel` may change with no write
    (None: none known). Asked on a miss only; its answer is cached until then (or the TTL) under the
    panel's token, so `panel_cache_bump_all` also renews it."""
    _expiry[panel] = next_change


def _next_change(panel: str, panel_token: str, seconds: int) -> datetime | None:
    provider = _expiry.get(panel)
    if provider is None:
        return None
    key = f"{PREFIX}:next:{panel}:{panel_token}"
    found = cache.get(key)
    if found is not None:
        return found or None
    now = timezone.now()
    moment = provider(now)
    timeout = seconds if moment is None else min(seconds, int((moment - now).total_seconds()))
    if timeout > 0:
        cache.set(key, moment or "", timeout)
    return moment


def cache_seconds() -> int:
    return max(int(getattr(settings, "THADS_PANEL_CACHE_SECONDS", DEFAULT_SECONDS)), 0)


def _token() -> str:
    return secrets.token_hex(6)


def _generation_key() -> str:
    return f"{PREFIX}:generation"


def _panel_key(panel: str) -> str:
    return f"{PREFIX}:v:{panel}"


def _person_key(panel: str, owner_id: int) -> str:
    return f"{PREFIX}:v:{panel}:{owner_id}"


def _versions(keys: list[str]) -> dict[str, str]:
    """The tokens under `keys`; missing ones get a fresh token (kept unless another request set one)."""
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    for key in missing:
        token = _token()
        found[key] = token if cache.add(key, token, VERSION_SECONDS) else (cache.get(key) or token)
    return found


def panels_get_or_render(owner_id: int | None,
                         panels: Iterable[tuple[str, Callable[[], Rendered]]]) -> dict[str, str | None]:
    """The HTML of each `(panel key, render)` for the person `owner_id` (None: hidden), from the cache
    when a current entry exists, else rendered and stored. Two cache reads for all panels on a hit.
    With no owner (an account without officer record) or the TTL at 0, every panel is rendered."""
    panels = list(panels)
    seconds = cache_seconds()
    if seconds == 0 or owner_id is None:
        return {key: render()[0] for key, render in panels}
    version_keys = [_generation_key()]
    for key, _render in panels:
        version_keys += [_panel_key(key), _person_key(key, owner_id)]
    versions = _versions(version_keys)
    stem = f"{PREFIX}:{owner_id}:{timezone.localdate().isoformat()}:{get_language() or '-'}:{versions[_generation_key()]}"
    entry_keys = {key: f"{stem}:{key}:{versions[_panel_key(key)]}:{versions[_person_key(key, owner_id)]}"
                  for key, _render in panels}
    cached = cache.get_many(list(entry_keys.values()))
    result: dict[str, str | None] = {}
    for key, render in panels:
        entry_key = entry_keys[key]
        if entry_key in cached:
            html = cached[entry_key]
            result[key] = None if html == _HIDDEN else html
            continue
        html, until = render()
        result[key] = html
        timeout = seconds
        for moment in (until, _next_change(key, versions[_panel_key(key)], seconds)):
            if moment is not None:
                timeout = min(timeout, int((moment - timezone.now()).total_seconds()))
        if timeout > 0:
            cache.set(entry_key, _HIDDEN if html is None else html, timeout)
    return result


def panel_cache_get_or_render(key: str, officer_id: int | None, render: Callable[[], Rendered]) -> str | None:
    """One panel's HTML for the officer `officer_id`, cached as `panels_get_or_render` does."""
    return panels_get_or_render(officer_id, [(key, render)])[key]


def _renew(keys: list[str]) -> None:
    if keys:
        cache.set_many({key: _token() for key in keys}, VERSION_SECONDS)


def _renew_now_and_on_commit(keys: list[str]) -> None:
    if keys and cache_seconds():
        _renew(keys)
        transaction.on_commit(lambda: _renew(keys))


def panel_cache_bump(*, officer_ids: Iterable[int | None], panel: str) -> None:
    """Drop `panel` for these officers, now and when the current transaction commits."""
    _renew_now_and_on_commit([_person_key(panel, pk) for pk in {pk for pk in officer_ids if pk is not None}])


def panel_cache_bump_all(*, panel: str) -> None:
    """Drop `panel` for everyone, now and when the current transaction commits."""
    _renew_now_and_on_commit([_panel_key(panel)])


def panel_cache_reset() -> None:
    """Drop every cached panel at once (e.g. between tests, whose database ids repeat)."""
    _renew([_generation_key()])
