from django.urls import path

from org import views

app_name = "org"
urlpatterns = [
    path("officers/", views.officer_list, name="officer-list"),
    path("officers/new/", views.officer_create, name="officer-create"),
    path("officers/<int:pk>/", views.officer_detail, name="officer-detail"),
    path("officers/<int:pk>/edit/", views.officer_edit, name="officer-edit"),
    path("units/", views.unit_list, name="unit-list"),
    path("units/new/", views.unit_create, name="unit-create"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit-edit"),
    path("unit-levels/new/", views.unit_kind_create, name="unit-kind-create"),
    path("positions/new/", views.position_edit, name="position-create"),
    path("positions/<int:pk>/edit/", views.position_edit, name="position-edit"),
    path("signatories/", views.signatory_list, name="signatory-list"),
    path("signatories/<int:pk>/", views.signatory_edit, name="signatory-edit"),
    path("signatories/<int:pk>/delete/", views.signatory_delete, name="signatory-delete"),
    path("signatories/<int:pk>/<str:kind>.img", views.signatory_image, name="signatory-image"),
    path("import/", views.import_start, name="import-start"),
    path("import/template.xlsx", views.import_template, name="import-template"),
    path("import/<int:pk>/", views.import_detail, name="import-detail"),
    path("import/<int:pk>/apply/", views.import_apply, name="import-apply"),
]
