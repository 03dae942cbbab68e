from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from core import signals  # connects the audit receivers

        signals.connect_authenticator_receiver()
        from core.ui import HomePanel, register_panel

        # Placeholders, labelled as such; each feature app replaces its own by registering the same key.
        placeholders = [
            ("cases", _("Case steps to record"), _("Your due and overdue case steps will appear here."), 10),
            ("learning", _("My courses"), _("Courses assigned to you will appear here."), 20),
            ("quizzes", _("My quizzes"), _("Quizzes open to you will appear here."), 30),
            ("contests", _("IT skills contests"), _("Contests you can join will appear here."), 40),
            ("adoption", _("My software use"), _("Your scorecard of software use will appear here."), 50),
        ]
        for key, title, text, order in placeholders:
            register_panel(HomePanel(key=key, title=title, template="core/panel_soon.html",
                                     context=lambda request, text=text: {"text": text}, order=order))


class ThadsAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the site's sign-in in front of it (core.admin_site)."""

    default = False  # named in INSTALLED_APPS; CoreConfig stays core's own config
    default_site = "core.admin_site.ThadsAdminSite"
