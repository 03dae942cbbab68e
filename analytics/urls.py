from django.urls import path

from analytics import views, views_admin, views_focal

app_name = "analytics"

# --- Pages people see: scorecard, dashboards, drill-downs, export, monthly reports ---
urlpatterns: list = [
    path("", views.dashboard, name="dashboard"),
    path("export.xlsx", views.dashboard_export, name="dashboard-export"),
    path("me/", views.scorecard, name="scorecard"),
    path("me/activity/", views.my_detail, name="my-detail"),
    path("officers/<int:pk>/", views.officer_detail, name="officer-detail"),
    path("province/", views.province, name="province"),
    path("reports/", views.report_list, name="report-list"),
    path("reports/<int:unit>/<int:year>-<int:month>.<str:fmt>", views.report_download, name="report-download"),
]

# --- Data side: catalogue, usage-log imports, xAPI administration, score settings and formula ------
urlpatterns += [
    path("score/", views_admin.score_formula, name="score-formula"),
    path("admin/software/", views_admin.software_list, name="admin-software-list"),
    path("admin/software/new/", views_admin.software_edit, name="admin-software-new"),
    path("admin/software/<int:pk>/", views_admin.software_edit, name="admin-software-edit"),
    path("admin/software/<int:software_pk>/actions/new/", views_admin.action_edit, name="admin-action-new"),
    path("admin/software/<int:software_pk>/actions/<int:pk>/", views_admin.action_edit, name="admin-action-edit"),
    path("admin/software/<int:software_pk>/mapping/", views_admin.mapping_edit, name="admin-mapping-edit"),
    path("admin/imports/", views_admin.import_start, name="admin-import-start"),
    path("admin/imports/<int:pk>/", views_admin.import_detail, name="admin-import-detail"),
    path("admin/imports/<int:pk>/check/", views_admin.import_check, name="admin-import-check"),
    path("admin/imports/<int:pk>/apply/", views_admin.import_apply, name="admin-import-apply"),
    path("admin/xapi/", views_admin.xapi_admin, name="admin-xapi"),
    path("admin/xapi/tokens/<int:pk>/revoke/", views_admin.xapi_token_revoke, name="admin-xapi-token-revoke"),
    path("admin/xapi/mappings/<int:pk>/delete/", views_admin.xapi_mapping_delete, name="admin-xapi-mapping-delete"),
    path("admin/score-settings/", views_admin.score_settings, name="admin-score-settings"),
]

# --- The IT focal person's week ----------------------------------------------------------------------
urlpatterns += [
    path("focal/", views_focal.focal_week, name="focal-week"),
    path("focal/<int:officer_id>/action/", views_focal.focal_action, name="focal-action"),
]
