from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "contests"
    verbose_name = _("Contests")

    def ready(self) -> None:
        from core.ui import HomePanel, Landing, NavItem, register_landing, register_nav, register_panel
        from contests import permissions
        from contests.panels import panel_context
        from core.roles import Role, has_role

        register_panel(HomePanel(key="contests", title=_("IT skills contests"), template="contests/panel.html",
                                 context=panel_context, order=40))
        register_nav(NavItem(_("Contests"), "contests:contest-list", permissions.can_enter_contests, order=50))
        register_nav(NavItem(_("Organise contests"), "contests:manage-list", permissions.can_organise_contests,
                             order=51))
        register_nav(NavItem(_("My score sheets"), "contests:judge-list", permissions.can_judge, order=52))
        # Organisers and judges land on their contest pages (before the officer list of managers).
        register_landing(Landing("contests:manage-list", lambda user: has_role(user, Role.CONTEST_ORGANISER), order=30))
        register_landing(Landing("contests:judge-list", permissions.can_judge, order=31))
        self._ready_live()

    def _ready_live(self) -> None:
        """Menus of the live final."""
        from contests import permissions
        from core.ui import NavItem, register_nav

        register_nav(NavItem(_("Join a live final"), "contests:live-join", permissions.can_join_live, order=61))
        register_nav(NavItem(_("Live finals"), "contests:live-index", permissions.can_list_live_rounds, order=62))
