"""WebSocket URL patterns gathered from each app's routing module, if it has one."""

from importlib import import_module

from django.apps import apps

websocket_urlpatterns = []
for app_config in apps.get_app_configs():
    try:
        module = import_module(f"{app_config.name}.routing")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app_config.name}.routing":
            raise
        continue
    websocket_urlpatterns += getattr(module, "websocket_urlpatterns", [])
