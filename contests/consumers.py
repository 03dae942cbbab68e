"""WebSocket consumers of live finals: thin, they check who connects and call the live services.

- `/ws/contests/live/<session id>/host/`: the host's projector; only someone who may host the
  round. Sends {"action": "next", "phase": ..., "index": ...}.
- `/ws/contests/live/<session id>/play/`: a contestant's device; only an officer who joined the
  session. Sends {"action": "answer", "index": i, "answer": {...}}; gets `answer.ack` or
  `answer.refused`.
A refused socket is closed with code 4403. Keys of group events starting with "_" are never sent
to a browser; a player's socket turns them into the player's own line.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from contests import events

REFUSED = 4403


def _public(event: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in event.items() if not key.startswith("_")}


class _LiveConsumer(AsyncJsonWebsocketConsumer):
    groups_to_join: tuple = ()

    async def _join_groups(self, names: list[str]) -> None:
        self.joined_groups = names
        for name in names:
            await self.channel_layer.group_add(name, self.channel_name)

    async def disconnect(self, code: int) -> None:
        for name in getattr(self, "joined_groups", []):
            await self.channel_layer.group_discard(name, self.channel_name)

    async def round_question(self, event: dict[str, Any]) -> None:
        await self.send_json(_public(event))

    async def round_state(self, event: dict[str, Any]) -> None:
        await self.send_json(_public(event))


class LiveHostConsumer(_LiveConsumer):
    async def connect(self) -> None:
        self.session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        if not await _may_host(self.scope.get("user"), self.session_id):
            await self.close(code=REFUSED)
            return
        await self._join_groups([events.group_name(self.session_id), events.host_group_name(self.session_id)])
        await self.accept()
        await self.send_json(await _state(self.session_id, host=True))

    async def receive_json(self, content: Any, **kwargs: Any) -> None:  # noqa: ANN401
        if not isinstance(content, dict):
            return
        if content.get("action") == "next":
            error = await _advance(self.session_id, content)
            if error:
                await self.send_json({"type": "notice", "code": error[0], "message": error[1]})
                await self.send_json(await _state(self.session_id, host=True))
        elif content.get("action") == "state":
            await self.send_json(await _state(self.session_id, host=True))

    async def round_lobby(self, event: dict[str, Any]) -> None:
        await self.send_json(_public(event))

    async def round_answered(self, event: dict[str, Any]) -> None:
        await self.send_json(_public(event))

    async def round_reveal(self, event: dict[str, Any]) -> None:
        await self.send_json(_public(event))

    async def round_leaderboard(self, event: dict[str, Any]) -> None:
        await self.send_json(_public(event))

    async def round_finished(self, event: dict[str, Any]) -> None:
        await self.send_json(_public(event))


class LivePlayerConsumer(_LiveConsumer):
    async def connect(self) -> None:
        self.session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        self.participant_id = await _participant_id(self.scope.get("user"), self.session_id)
        if self.participant_id is None:
            await self.close(code=REFUSED)
            return
        await self._join_groups([events.group_name(self.session_id)])
        await self.accept()
        await self.send_json(await _state(self.session_id, participant_id=self.participant_id))

    async def receive_json(self, content: Any, **kwargs: Any) -> None:  # noqa: ANN401
        if not isinstance(content, dict):
            return
        if content.get("action") == "answer":
            await self.send_json(await _answer(self.session_id, self.participant_id, content))
        elif content.get("action") == "state":
            await self.send_json(await _state(self.session_id, participant_id=self.participant_id))

    async def round_reveal(self, event: dict[str, Any]) -> None:
        await self.send_json({**_public(event), "you": _personal(event, self.participant_id)})

    async def round_leaderboard(self, event: dict[str, Any]) -> None:
        # The projector shows the top 10; a device shows only its own rank.
        message = {key: value for key, value in _public(event).items() if key != "top"}
        await self.send_json({**message, "you": _personal(event, self.participant_id)})

    async def round_finished(self, event: dict[str, Any]) -> None:
        await self.send_json({**_public(event), "you": _personal(event, self.participant_id)})


def _personal(event: dict[str, Any], participant_id: int) -> dict[str, Any]:
    from contests.services.live import personal_line

    return personal_line(standings=event.get("_standings", ""), participant_id=participant_id,
                         results=event.get("_results"))


@database_sync_to_async
def _may_host(user, session_id: int) -> bool:  # noqa: ANN001
    from contests import selectors
    from contests.permissions import can_host_live_round

    session = selectors.live_session_get(session_id=session_id)
    return bool(session and user is not None and user.is_authenticated and can_host_live_round(user, session.round))


@database_sync_to_async
def _participant_id(user, session_id: int) -> int | None:  # noqa: ANN001
    from contests import selectors

    if user is None or not user.is_authenticated:
        return None
    return selectors.live_participant_id_for(session_id=session_id, user=user)


@database_sync_to_async
def _state(session_id: int, *, participant_id: int | None = None, host: bool = False) -> dict[str, Any]:
    from contests import selectors
    from contests.services.live import live_state

    session = selectors.live_session_get(session_id=session_id)
    participant = selectors.live_participant_get(participant_id=participant_id) if participant_id else None
    return live_state(session=session, participant=participant, host=host)


@database_sync_to_async
def _advance(session_id: int, content: dict[str, Any]) -> tuple[str, str] | None:
    from django.utils.translation import gettext as _

    from contests.services.live import LiveError, live_advance

    try:
        index = int(content.get("index"))
    except (TypeError, ValueError):
        return ("invalid", _("The round has already moved on; nothing was changed."))
    try:
        live_advance(session_id=session_id, expected_phase=str(content.get("phase", "")), expected_index=index)
    except LiveError as exc:
        return (exc.code, exc.message)
    return None


@database_sync_to_async
def _answer(session_id: int, participant_id: int, content: dict[str, Any]) -> dict[str, Any]:
    from contests.services.live import LiveError, live_answer_submit

    try:
        index = int(content.get("index"))
    except (TypeError, ValueError):
        index = -1
    try:
        receipt = live_answer_submit(session_id=session_id, participant_id=participant_id, index=index,
                                     raw=content.get("answer"))
    except LiveError as exc:
        return {"type": "answer.refused", "index": index, "code": exc.code, "message": exc.message}
    return {"type": "answer.ack", "index": receipt.index, "received_at": receipt.received_at.isoformat()}
