"""/api/xapi/: the xAPI endpoint for the agency's systems (token-authenticated, not session)."""

from django.urls import path

from analytics import api

app_name = "xapi"
urlpatterns = [
    path("statements", api.statements, name="statements"),
    path("openapi.json", api.openapi, name="openapi"),
]
