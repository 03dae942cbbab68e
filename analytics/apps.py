from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_save

        from analytics import panels, permissions, signals, views
        from core.ui import HomePanel, Landing, NavItem, register_landing, register_nav, register_panel

        post_save.connect(signals.position_created, sender="org.Position",
                          dispatch_uid="analytics-position-created")
        pre_save.connect(signals.contest_results_changing, sender="contests.Contest",
                         dispatch_uid="analytics-contest-results-changing")
        # Replaces core's placeholder of the same key.
        register_panel(HomePanel(key="adoption", title=_("My software use"), template="analytics/panel.html",
                                 context=panels.panel_context, order=50))
        # Before org's officer list (order 50): managers and leaders start where laggards are shown.
        register_landing(Landing("analytics:dashboard", permissions.lands_on_adoption_dashboard, order=40))
        register_nav(NavItem(_("Adoption dashboard"), "analytics:dashboard",
                             permissions.can_view_adoption_dashboard, order=15))
        register_nav(NavItem(_("Province overview"), "analytics:province",
                             permissions.can_view_province_overview, order=16))
        register_nav(NavItem(_("Monthly reports"), "analytics:report-list",
                             permissions.can_view_adoption_dashboard, order=17))
        register_nav(NavItem(_("My software use"), "analytics:scorecard", permissions.can_view_scorecard, order=60))
        register_nav(NavItem(_("Usage-log import"), "analytics:admin-import-start", permissions.can_import_usage,
                             order=61))
        register_nav(NavItem(_("Software catalogue"), "analytics:admin-software-list",
                             permissions.can_manage_adoption_settings, order=62))
        from support.permissions import is_any_focal_person

        register_nav(NavItem(_("Who needs help"), "analytics:focal-week", is_any_focal_person, order=72))
        register_nav(NavItem(_("How the score is computed"), "analytics:score-formula",
                             permissions.can_view_score_formula, order=69))
