"""The project's URLs, with stand-ins for the residents' booking pages (``residents:bookings``,
``residents:resource``, ``residents:booking``) that the bookings service's e-mails link to."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import include, path

from portal.urls import urlpatterns as project
from residents import urls as residents_urls


def _page(request, **kwargs):
    return HttpResponse("")


stand_ins = [
    path("my/bookings/", _page, name="bookings"),
    path("my/bookings/resources/<int:pk>/", _page, name="resource"),
    path("my/bookings/<int:pk>/", _page, name="booking"),
]
residents_pages = ([*residents_urls.urlpatterns, *stand_ins], "residents")
urlpatterns = [*i18n_patterns(path("", include(residents_pages)), prefix_default_language=False), *project]
