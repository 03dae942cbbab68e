from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from core.ui import HomePanel, NavItem, register_nav, register_panel
        from learning import permissions, signals
        from core.roles import Role
        from learning.panels import panel_context, trainer_panel_context

        post_save.connect(signals.officer_saved, sender="org.Officer", dispatch_uid="learning-officer-saved")
        post_delete.connect(signals.enrollment_deleted, sender="learning.Enrollment",
                            dispatch_uid="learning-enrollment-deleted")
        register_panel(HomePanel(key="learning", title=_("My courses"), template="learning/panel.html",
                                 context=panel_context, order=20))
        register_panel(HomePanel(key="learning-trainer", title=_("Courses I teach"), template="learning/panel_trainer.html",
                                 context=trainer_panel_context, order=15, roles=frozenset({Role.TRAINER})))
        register_nav(NavItem(_("My courses"), "learning:my-courses", permissions.can_learn, order=20))
        register_nav(NavItem(_("Course catalogue"), "learning:catalogue", permissions.can_learn, order=21))
        register_nav(NavItem(_("Build courses"), "learning:manage-course-list", permissions.can_manage_courses,
                             order=22))
        register_nav(NavItem(_("Assign courses"), "learning:assignment-list", permissions.can_assign_courses,
                             order=23))
        register_nav(NavItem(_("Certificates"), "learning:certificate-list", permissions.can_revoke_certificate,
                             order=25))
        register_nav(NavItem(_("Course report"), "learning:report", permissions.can_view_reports, order=24))
