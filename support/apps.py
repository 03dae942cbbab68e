from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("IT support")

    def ready(self) -> None:
        from django.conf import settings

        from core.ui import HeaderLink, HomePanel, NavItem, register_header_link, register_nav, register_panel
        from core.uploads import MB, register_upload_limit
        from support import panels, permissions

        # Screenshots, files and article pictures: a body larger than the file limit plus the form's
        # own fields is refused before it is read.
        register_upload_limit("/support/", (getattr(settings, "THADS_HELP_ATTACHMENT_MAX_MB", 5) + 1) * MB)

        register_nav(NavItem(_("IT help requests"), "support:request-list", permissions.can_use_help_desk, order=70))
        register_nav(NavItem(_("How-to library"), "support:article-list", permissions.can_use_help_desk, order=71))
        register_nav(NavItem(_("Help desk figures"), "support:stats", permissions.can_view_support_stats, order=73))
        register_nav(NavItem(_("IT focal persons"), "support:focal-list", permissions.can_name_focal_persons, order=74))
        register_header_link(HeaderLink(_("Need IT help"), "support:request-create", permissions.can_use_help_desk,
                                        with_page=True))
        register_panel(HomePanel(key="support", title=_("IT help"), template="support/panel.html",
                                 context=panels.support_panel, order=60))
