"""Broadcasts of live rounds, sent only once the transaction that caused them has committed.

Every device of a session is in the group `live-<session id>`; the host's sockets are also in
`live-<session id>-host` (joins and answer counts go only there). Event types are `round.*`.
Keys starting with "_" are for the consumers only (e.g. the full standings, from which each
player's socket picks its own line); consumers never forward them to a browser.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def group_name(session_id: int) -> str:
    return f"live-{session_id}"


def host_group_name(session_id: int) -> str:
    return f"live-{session_id}-host"


def _send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)


def broadcast(*, session_id: int, event: str, payload: dict[str, Any], host_only: bool = False) -> None:
    """Send `event` (e.g. "round.question") with `payload` to the session's group (or its host
    group) after the current transaction commits; at once when no transaction is open."""
    group = host_group_name(session_id) if host_only else group_name(session_id)
    message = {"type": event, **payload}
    transaction.on_commit(lambda: _send(group, message))
