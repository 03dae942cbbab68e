"""The baseline of bench/contests_live.py: a bare Channels group broadcast, nothing else.

Served by daphne as `bench.live_baseline:application` with the project's settings (same channel
layer): every socket on /ws/bare/ joins one group; a {"action": "go", "n": k} from any of them is
sent to the whole group as {"type": "bare", "n": k, "pad": ...} of about the size of a question.
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
get_asgi_application()

from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

GROUP = "bench-bare"
PAD = "x" * 600


class BareConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:  # noqa: ANN001, ANN003
        if content.get("action") == "go":
            await self.channel_layer.group_send(GROUP, {"type": "bare.message", "n": content.get("n"), "pad": PAD})

    async def bare_message(self, event) -> None:  # noqa: ANN001
        await self.send_json({"type": "bare", "n": event["n"], "pad": event["pad"]})


application = ProtocolTypeRouter({"websocket": URLRouter([path("ws/bare/", BareConsumer.as_asgi())])})
