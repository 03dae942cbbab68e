"""Broadcasts of live rounds, sent only once the transaction that caused them has committed.

Every device of a session is in the group `live-<session id>`; the host's sockets are also in
`live-<session id>-host` (joins and answer counts go only there). Event types are `round.*`.
Keys starting with "_" are for the consumers only (e.g. the full standings, from which each
player's socket picks its own line); consumers never forward them to a browser.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def group_name(session_id: int) -> str:
    return f"live-{session_id}"


def host_group_name(session_id: int) -> str:
    return f"live-{session_id}-host"


logger = logging.getLogger(__name__)
SEND_ATTEMPTS = 4


async def _group_send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for attempt in range(SEND_ATTEMPTS):
        try:
            await layer.group_send(group, message)
            return
        except Exception:  # noqa: BLE001 - e.g. Redis restarted: the pool reconnects on the next try
            if attempt == SEND_ATTEMPTS - 1:
                # The change is committed; devices read it again from the database when they reconnect.
                logger.warning("broadcast %s to %s lost", message.get("type"), group, exc_info=True)
                return
            await asyncio.sleep(0.2 * 2 ** attempt)


def _send(group: str, message: dict[str, Any]) -> None:
    async_to_sync(_group_send)(group, message)


def broadcast(*, session_id: int, event: str, payload: dict[str, Any], host_only: bool = False) -> None:
    """Send `event` (e.g. "round.question") with `payload` to the session's group (or its host
    group) after the current transaction commits; at once when no transaction is open."""
    group = host_group_name(session_id) if host_only else group_name(session_id)
    message = {"type": event, **payload}
    transaction.on_commit(lambda: _send(group, message))
