from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from core import views as core_views

urlpatterns = [
    # The language switch must work on the sign-in page too, before anyone is signed in.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # The official e-mail is every officer's identity key: it is changed by administrators (org),
    # never by the account holder, so allauth's e-mail management page is replaced.
    path("accounts/email/", core_views.email_managed, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("", include("core.urls")),
    path("org/", include("org.urls")),
    path("cases/", include("cases.urls")),
    path("learning/", include("learning.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("contests/", include("contests.urls")),
    path("analytics/", include("analytics.urls")),
    path("support/", include("support.urls")),
    path("api/xapi/", include("analytics.api_urls")),
]

# Site pages with the menu (templates/403.html, 404.html, 500.html); 403 and 404 use Django's own views.
handler500 = "core.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
