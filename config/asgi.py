"""ASGI entry point: HTTP through Django, WebSockets through Channels routing of each app."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402
from core.slow_down import SlowDownAnswers  # noqa: E402
from core.socket_middleware import AccountRequirementsSocketMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        # A wrong password from an address that sprays them is answered later (core.slow_down).
        "http": SlowDownAnswers(django_asgi_app),
        # The two-step sign-in rule of every page applies to sockets too (core.socket_middleware).
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(AccountRequirementsSocketMiddleware(URLRouter(websocket_urlpatterns)))),
    }
)
