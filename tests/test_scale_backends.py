"""The database and channel layer are the ones the environment asks for.

.ci/run's second pass sets THADS_EXPECT_SCALE=1 with DATABASE_URL (PostgreSQL) and REDIS_URL: there
the suite must really be talking to PostgreSQL and Redis, not silently to the embedded default.
"""

from __future__ import annotations

import asyncio
import os
import threading
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection

EXPECT_SCALE = os.environ.get("THADS_EXPECT_SCALE") == "1"
BACKEND_FROM_ENV = bool(os.environ.get("DATABASE_URL") or os.environ.get("REDIS_URL"))


async def _round_trip() -> dict:
    """Send a message through the channel layer, directly and through a group, and receive both."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    group = f"scale-check-{uuid.uuid4().hex}"
    try:
        await layer.send(channel, {"type": "scale.ping", "n": 1})
        direct = await asyncio.wait_for(layer.receive(channel), timeout=5)
        await layer.group_add(group, channel)
        await layer.group_send(group, {"type": "scale.ping", "n": 2})
        grouped = await asyncio.wait_for(layer.receive(channel), timeout=5)
        await layer.group_discard(group, channel)
    finally:
        if hasattr(layer, "flush") and type(layer).__module__.startswith("channels_redis.pubsub"):
            await layer.flush()  # closes this event loop's connections; stored data is untouched
    return {"direct": direct, "grouped": grouped}


@pytest.mark.scale
@pytest.mark.skipif(not EXPECT_SCALE, reason="only in the PostgreSQL + Redis pass (THADS_EXPECT_SCALE=1)")
def test_scale_pass_runs_on_postgresql_and_redis(db):  # noqa: ANN001
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")
    layer = get_channel_layer()
    assert type(layer).__module__.startswith("channels_redis"), type(layer)
    messages = async_to_sync(_round_trip)()
    assert messages["direct"] == {"type": "scale.ping", "n": 1}
    assert messages["grouped"] == {"type": "scale.ping", "n": 2}
    # The cache (sessions, principals, panels) is Redis, and requests on different threads share
    # one connection pool rather than each opening its own connection.
    pools = []

    def on_a_request_thread() -> None:
        from django.core.cache import caches

        cache = caches["default"]
        cache.set("scale-ping", threading.get_ident())
        assert cache.get("scale-ping") == threading.get_ident()
        pools.append(cache.client.get_client().connection_pool)

    for _ in range(2):
        thread = threading.Thread(target=on_a_request_thread)
        thread.start()
        thread.join()
    assert len(pools) == 2 and pools[0] is pools[1]


@pytest.mark.skipif(EXPECT_SCALE or BACKEND_FROM_ENV, reason="DATABASE_URL or REDIS_URL chose another backend")
def test_embedded_default_is_sqlite_and_in_memory_layer(db):  # noqa: ANN001
    from channels.layers import InMemoryChannelLayer

    assert connection.vendor == "sqlite"
    assert isinstance(get_channel_layer(), InMemoryChannelLayer)
    messages = async_to_sync(_round_trip)()
    assert messages["direct"]["n"] == 1 and messages["grouped"]["n"] == 2


def test_backends_follow_the_environment(db):  # noqa: ANN001
    database_url = os.environ.get("DATABASE_URL", "")
    expected_vendor = "postgresql" if database_url.startswith(("postgres", "pgsql")) else (
        connection.vendor if database_url else "sqlite")
    assert connection.vendor == expected_vendor
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if os.environ.get("REDIS_URL"):
        assert backend.startswith("channels_redis.")
    else:
        assert backend == "channels.layers.InMemoryChannelLayer"
