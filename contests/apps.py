from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "contests"
    verbose_name = _("Contests")

    def ready(self) -> None:
        self._ready_live()

    def _ready_live(self) -> None:
        """Menus of the live final."""
        from contests import permissions
        from core.ui import NavItem, register_nav

        register_nav(NavItem(_("Join a live final"), "contests:live-join", permissions.can_join_live, order=61))
        register_nav(NavItem(_("Live finals"), "contests:live-index", permissions.can_list_live_rounds, order=62))
