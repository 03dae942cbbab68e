from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from core.fragments import register_panel_owner
        from core.roles import register_roles_loader
        from core.roles import Role, has_role
        from core.uploads import MB, register_upload_limit
        from core.ui import HomePanel, Landing, NavItem, register_landing, register_nav, register_panel
        from org import permissions, selectors, signals  # noqa: F401  (signals: cache invalidation)

        register_upload_limit("/org/signatories/", 5 * MB)  # two images of at most 2 MB and the form
        register_roles_loader(selectors.officer_for_user)  # the officer and the roles in one query
        register_panel_owner(lambda user: getattr(selectors.officer_for_user(user), "pk", None))

        register_landing(Landing("org:officer-list",
                                 lambda user: has_role(user, Role.UNIT_MANAGER, Role.PROVINCIAL_LEADER), order=50))
        register_panel(HomePanel(key="admin-accounts", title=_("Accounts to review"), template="org/panel_accounts.html",
                                 context=lambda request: selectors.account_review(user=request.user), order=61,
                                 roles=frozenset({Role.ADMIN})))
        register_nav(NavItem(_("Officers"), "org:officer-list", permissions.can_list_officers, order=10))
        register_nav(NavItem(_("Units"), "org:unit-list", permissions.can_manage_org, order=80))
        register_nav(NavItem(_("Certificate signatories"), "org:signatory-list", permissions.can_manage_org, order=83))
        register_nav(NavItem(_("Staff import"), "org:import-start", permissions.can_manage_org, order=81))
        register_nav(NavItem(_("Audit log"), "core:audit-log", permissions.can_manage_org, order=99))
