from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "advisory"
urlpatterns = [
    path("advisory/", views.dashboard, name="dashboard"),
    path("advisory/login/", views.LoginView.as_view(), name="login"),
    path("advisory/logout/", auth_views.LogoutView.as_view(next_page="advisory:login"), name="logout"),
    path("advisory/reviews/<int:pk>/", views.review_detail, name="review"),
    path("advisory/meetings/<int:pk>/calendar.ics", views.meeting_calendar, name="meeting_calendar"),
    path("advisory/consultations/<int:pk>/", views.consultation_detail, name="consultation"),
    path("apply/consultations/", views.company_consultations, name="company_consultations"),
    path(
        "advisory/password-reset/",
        views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "advisory/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="advisory/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "advisory/password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="advisory/password_reset_confirm.html",
            success_url=reverse_lazy("advisory:login"),
        ),
        name="password_reset_confirm",
    ),
    path("committee/", views.committee, name="committee"),
    path("staff/reviews/<int:application_id>/", views.staff_reviews, name="staff_reviews"),
    path("staff/reviews/share/<int:pk>/", views.staff_share_comment, name="staff_share_comment"),
]
