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
    path("new/", views.case_create, name="case-create"),
    path("settings/calendar/", views.settings_calendar, name="settings-calendar"),
    path("settings/calendar/<int:pk>/", views.settings_calendar, name="settings-calendar-edit"),
    path("settings/calendar/<int:pk>/delete/", views.settings_calendar_delete, name="settings-calendar-delete"),
    path("settings/rules/", views.settings_rules, name="settings-rules"),
    path("settings/rules/<int:pk>/", views.settings_rules, name="settings-rules-edit"),
    path("settings/step-types/", views.settings_step_types, name="settings-step-types"),
    path("settings/step-types/<int:pk>/", views.settings_step_types, name="settings-step-types-edit"),
]
