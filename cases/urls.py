from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("todo/", views.todo, name="todo"),
    path("", views.case_list, name="case-list"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/record/", views.step_record, name="step-record"),
    path("steps/<int:pk>/correct/", views.step_correct, name="step-correct"),
    path("timeliness/", views.timeliness, name="timeliness"),
    path("import/", views.import_start, name="import-start"),
    path("import/template.xlsx", views.import_template, name="import-template"),
    path("import/<int:pk>/", views.import_detail, name="import-detail"),
    path("import/<int:pk>/apply/", views.import_apply, name="import-apply"),
]
