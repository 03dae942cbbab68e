from django.urls import path

from analytics import views

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
