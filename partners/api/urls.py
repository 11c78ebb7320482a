from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("campuses", views.CampusViewSet, basename="campus")
router.register("spaces", views.SpaceViewSet, basename="space")
router.register("companies", views.CompanyViewSet, basename="company")
router.register("referrals", views.ReferralViewSet, basename="referral")
router.register("webhooks", views.WebhookViewSet, basename="webhook")
router.register("webhook-deliveries", views.WebhookDeliveryViewSet, basename="webhook-delivery")

app_name = "api"
urlpatterns = [path("me/", views.MeView.as_view(), name="me"), *router.urls]
