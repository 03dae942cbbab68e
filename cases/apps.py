from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from cases import panels, permissions
        from core.ui import HomePanel, NavItem, register_nav, register_panel

        register_panel(HomePanel(key="cases", title=_("Case steps to record"), template="cases/panel.html",
                                 context=panels.panel_context, order=10))
        register_nav(NavItem(_("To do"), "cases:todo", permissions.can_use_cases, order=20))
        register_nav(NavItem(_("Cases"), "cases:case-list", permissions.can_use_cases, order=21))
        register_nav(NavItem(_("Update timeliness"), "cases:timeliness", permissions.can_view_timeliness, order=22))
        register_nav(NavItem(_("Step import"), "cases:import-start", permissions.can_import_steps, order=82))
