from django.urls import path

from quizzes import views

app_name = "quizzes"
urlpatterns = [
    path("", views.quiz_list, name="quiz-list"),
    path("new/", views.quiz_create, name="quiz-create"),
    path("<int:pk>/", views.quiz_detail, name="quiz-detail"),
    path("<int:pk>/edit/", views.quiz_edit, name="quiz-edit"),
    path("<int:pk>/slots/add/", views.slot_add, name="slot-add"),
    path("<int:pk>/slots/<int:slot_pk>/", views.slot_update, name="slot-update"),
    path("<int:pk>/slots/<int:slot_pk>/remove/", views.slot_remove, name="slot-remove"),
    path("<int:pk>/overrides/", views.override_save, name="override-save"),
    path("<int:pk>/results/", views.quiz_results, name="quiz-results"),
    path("<int:pk>/statistics/", views.quiz_statistics, name="quiz-statistics"),
    path("<int:pk>/regrade/", views.quiz_regrade, name="quiz-regrade"),
    path("<int:pk>/start/", views.attempt_start, name="attempt-start"),
    path("attempts/<int:pk>/", views.attempt_take, name="attempt-take"),
    path("attempts/<int:pk>/answer/", views.attempt_answer, name="attempt-answer"),
    path("attempts/<int:pk>/next/", views.attempt_next, name="attempt-next"),
    path("attempts/<int:pk>/submit/", views.attempt_submit, name="attempt-submit"),
    path("attempts/<int:pk>/review/", views.attempt_review, name="attempt-review"),
    path("grading/", views.grading_queue, name="grading-queue"),
    path("grading/<int:pk>/", views.answer_grade, name="answer-grade"),
    path("bank/", views.bank, name="bank"),
    path("bank/categories/new/", views.category_create, name="category-create"),
    path("bank/new/<slug:qtype>/", views.question_create, name="question-create"),
    path("bank/<int:pk>/", views.question_detail, name="question-detail"),
    path("bank/<int:pk>/edit/", views.question_edit, name="question-edit"),
    path("bank/<int:pk>/archive/", views.question_archive, name="question-archive"),
    path("bank/import/", views.import_start, name="import-start"),
    path("bank/import/<int:pk>/", views.import_detail, name="import-detail"),
    path("bank/import/<int:pk>/apply/", views.import_apply, name="import-apply"),
    path("bank/export.gift", views.export_gift, name="export-gift"),
]
