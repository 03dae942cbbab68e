from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from analytics import signals

        post_save.connect(signals.position_created, sender="org.Position",
                          dispatch_uid="analytics-position-created")
