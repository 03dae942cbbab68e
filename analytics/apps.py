from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from analytics import permissions, signals
        from core.ui import NavItem, register_nav

        post_save.connect(signals.position_created, sender="org.Position",
                          dispatch_uid="analytics-position-created")
        register_nav(NavItem(_("Usage-log import"), "analytics:admin-import-start", permissions.can_import_usage,
                             order=61))
        register_nav(NavItem(_("Software catalogue"), "analytics:admin-software-list",
                             permissions.can_manage_adoption_settings, order=62))
        register_nav(NavItem(_("How the score is computed"), "analytics:score-formula",
                             permissions.can_view_score_formula, order=69))
