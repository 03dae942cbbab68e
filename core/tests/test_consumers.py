"""The health socket answers a ping through the project's whole ASGI stack (origin check included)."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from config.asgi import application


def _communicator(origin: bytes) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, "/ws/health/", headers=[(b"origin", origin)])


@async_to_sync
async def _ping(origin: bytes) -> list:
    communicator = _communicator(origin)
    connected, _ = await communicator.connect()
    if not connected:
        return [False]
    await communicator.send_to(text_data="ping")
    pong = await communicator.receive_from()
    await communicator.send_to(text_data="other")
    silent = await communicator.receive_nothing()
    await communicator.disconnect()
    return [True, pong, silent]


def test_health_socket_answers_ping_with_pong(transactional_db):  # noqa: ANN001 - the auth middleware reads the session
    assert _ping(b"http://testserver") == [True, "pong", True]


def test_health_socket_refuses_a_foreign_origin(transactional_db):  # noqa: ANN001
    assert _ping(b"http://evil.example") == [False]
