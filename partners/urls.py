from django.urls import path

from . import views

app_name = "partners"
urlpatterns = [
    path("partners/", views.partner_list, name="list"),
    path("apply/referrals/<int:pk>/", views.referral_attribution, name="referral_attribution"),
]
