from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self) -> None:
        from core.ui import HomePanel, NavItem, register_nav, register_panel
        from learning.links import register_lesson_link, register_lesson_readiness, register_lesson_scores
        from quizzes import panels, permissions, selectors, views

        register_nav(NavItem(_("Quizzes"), "quizzes:quiz-list", permissions.can_see_quizzes, order=40))
        register_nav(NavItem(_("Question bank"), "quizzes:bank", permissions.can_manage_bank, order=41))
        register_panel(HomePanel(key="quizzes", title=_("Quizzes to take"), template="quizzes/panel.html",
                                 context=panels.panel_context, order=30))
        register_lesson_link(views.lesson_link)
        register_lesson_scores(selectors.lesson_quiz_grades)
        register_lesson_readiness(selectors.lesson_quiz_readiness)
