from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from sso.views import SignOutView

from .metrics import metrics_view

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's init script as a file: no inline script under the CSP.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("calendar/", include("reminders.urls")),
    path("metrics", metrics_view, name="metrics"),
    path("sso/", include("sso.urls")),
    # Before web's sign-out of the same path: a person who came through single sign-on is
    # signed out at the identity provider too (sso/views.py).
    path("sign-out/", SignOutView.as_view(), name="logout"),
    path("", include("web.urls")),
]

# Under /api/ every error is JSON, also the ones Django answers itself (a malformed path, a
# crash); elsewhere Spor's pages.
handler400 = "api.views.handler400"
handler404 = "api.views.handler404"
handler500 = "api.views.handler500"
