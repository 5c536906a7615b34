"""Project URLs: each app's pages, the API, health check, language switch."""

from django.contrib import admin
from django.urls import include, path

from congdoan.api import api
from congdoan.common.views import healthz
from congdoan.org.views import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("account/", include("congdoan.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("congdoan.org.urls")),
    path("", include("congdoan.skills.urls")),
    path("", include("congdoan.documents.urls")),
    path("", include("congdoan.indicators.urls")),
    path("", include("congdoan.members.urls")),
    path("", include("congdoan.notifications.urls")),
    path("", include("congdoan.knowledge.urls")),
]
