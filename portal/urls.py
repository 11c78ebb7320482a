from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import favicon, health, sso, two_factor, views

# An address under /api/ that no route matches, or a request Django refuses (a Host header not
# allowed), still answers in the API's error shape.
handler400 = "common.middleware.bad_request"
handler404 = "common.middleware.not_found"

admin.site.site_header = _("I·Campus Portal administration")
admin.site.site_title = _("I·Campus Portal")
admin.site.index_title = _("Campus management")

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", favicon.favicon, name="favicon"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("oidc/authenticate/", sso.start, name="oidc_authentication_init"),
    path("oidc/callback/", sso.callback, name="oidc_authentication_callback"),
    path("api/v1/", include("partners.api.urls")),
    path("api/v1/", include("residents.api")),  # staff sessions only: service requests
    path("api/v1/", include("residents.api_resources")),  # partners: bookable resources, free slots
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script for the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

# Pages for people: English at /..., Simplified Chinese under /zh-hans/...
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", views.home, name="home"),
    path("staff/", views.staff_today, name="staff_today"),
    path("staff/dashboard/", views.staff_dashboard, name="staff_dashboard"),
    path("staff/finance/<slug:dataset>.<slug:fmt>", views.finance_export, name="finance_export"),
    path("staff/two-factor/", two_factor.two_factor, name="two_factor"),
    path("campuses/<slug:slug>/", views.campus_detail, name="campus_detail"),
    path("", include("campus.urls")),
    path("", include("tenants.urls")),
    path("", include("partners.urls")),
    path("", include("advisory.urls")),
    path("", include("residents.urls")),
    prefix_default_language=False,
)
