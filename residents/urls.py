from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from .views import account, home, requests, staff_requests, team

app_name = "residents"
urlpatterns = [
    path("my/", home.home, name="home"),
    path("my/team/", team.team, name="team"),
    path("my/team/invite/", team.team_invite, name="team_invite"),
    path("my/team/<int:pk>/role/", team.member_role, name="member_role"),
    path("my/team/<int:pk>/remove/", team.member_delete, name="member_remove"),
    path("my/team/invitations/<int:pk>/withdraw/", team.invitation_delete, name="invitation_withdraw"),
    path("my/requests/", requests.request_list, name="requests"),
    path("my/requests/new/", requests.request_new, name="request_new"),
    path("my/requests/<int:pk>/", requests.request_detail, name="request_detail"),
    path("my/requests/<int:pk>/reply/", requests.request_reply, name="request_reply"),
    path("my/requests/<int:pk>/state/", requests.request_move, name="request_move"),
    path("my/requests/files/<int:pk>/", requests.request_attachment, name="request_attachment"),
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
    # The campus's side of service requests: staff pages, outside /my/.
    path("staff/requests/", staff_requests.staff_requests, name="staff_requests"),
    path("staff/requests/<int:pk>/", staff_requests.staff_request, name="staff_request"),
    path("staff/requests/<int:pk>/reply/", staff_requests.staff_request_reply, name="staff_request_reply"),
    path("staff/requests/<int:pk>/note/", staff_requests.staff_request_note, name="staff_request_note"),
    path("staff/requests/<int:pk>/state/", staff_requests.staff_request_move, name="staff_request_move"),
    path("staff/requests/<int:pk>/assign/", staff_requests.staff_request_assign, name="staff_request_assign"),
    path("staff/requests/files/<int:pk>/", staff_requests.staff_request_attachment, name="staff_request_attachment"),
]
