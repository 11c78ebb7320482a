from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from .views import account, announcements, home, team

app_name = "residents"
urlpatterns = [
    path("my/", home.home, name="home"),
    path("my/team/", team.team, name="team"),
    path("my/team/invite/", team.team_invite, name="team_invite"),
    path("my/team/<int:pk>/role/", team.member_role, name="member_role"),
    path("my/team/<int:pk>/remove/", team.member_delete, name="member_remove"),
    path("my/team/invitations/<int:pk>/withdraw/", team.invitation_delete, name="invitation_withdraw"),
    path("my/announcements/", announcements.announcements, name="announcements"),
    path("my/announcements/<int:pk>/", announcements.announcement, name="announcement"),
    path("my/login/", account.LoginView.as_view(), name="login"),
    path("my/logout/", account.logout, name="logout"),
    path("my/join/", account.join, name="join"),
    path("my/join/<str:token>/", account.join_link, name="join_link"),
    path("my/password-reset/", account.PasswordResetView.as_view(), name="password_reset"),
    path(
        "my/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="residents/account/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "my/password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="residents/account/password_reset_confirm.html",
            success_url=reverse_lazy("residents:login"),
        ),
        name="password_reset_confirm",
    ),
]
