from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from core import panels, signals  # signals: connects the audit receivers

        signals.connect_authenticator_receiver()
        panels.register()


class ThadsAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the site's sign-in in front of it (core.admin_site)."""

    default = False  # named in INSTALLED_APPS; CoreConfig stays core's own config
    default_site = "core.admin_site.ThadsAdminSite"
