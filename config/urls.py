from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("core.urls")),
    path("org/", include("org.urls")),
    path("cases/", include("cases.urls")),
    path("learning/", include("learning.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("contests/", include("contests.urls")),
    path("analytics/", include("analytics.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
