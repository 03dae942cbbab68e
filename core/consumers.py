"""A WebSocket for probes: it answers "ping" with "pong", so a load balancer or a deployment check
can tell that WebSockets reach the ASGI processes through the proxy (docs/deploy.md)."""

from __future__ import annotations

from channels.generic.websocket import AsyncWebsocketConsumer


class HealthConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data == "ping":
            await self.send(text_data="pong")
