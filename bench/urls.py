from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns

from . import views

urlpatterns = [
    path("bench/hello", views.hello),
    path("bench/raw", views.raw),
    *portal_urlpatterns,
]
