"""WebSocket routes of contests (gathered by config.routing)."""

from django.urls import path

from contests import consumers

websocket_urlpatterns = [
    path("ws/contests/live/<int:session_id>/host/", consumers.LiveHostConsumer.as_asgi()),
    path("ws/contests/live/<int:session_id>/play/", consumers.LivePlayerConsumer.as_asgi()),
]
