from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from .views import account, home, stage_reviews, stages, team

app_name = "residents"
urlpatterns = [
    path("my/", home.home, name="home"),
    path("my/team/", team.team, name="team"),
    path("my/team/invite/", team.team_invite, name="team_invite"),
    path("my/team/<int:pk>/role/", team.member_role, name="member_role"),
    path("my/team/<int:pk>/remove/", team.member_delete, name="member_remove"),
    path("my/team/invitations/<int:pk>/withdraw/", team.invitation_delete, name="invitation_withdraw"),
    path("my/stages/", stages.stages, name="stages"),
    path("my/stages/milestones/<int:pk>/report/", stages.milestone_report_new, name="milestone_report"),
    # Read by the company's people, staff and the named advisory member, so outside /my/.
    path("milestone-evidence/<int:pk>/", stages.milestone_evidence, name="milestone_evidence"),
    path("staff/stages/", stage_reviews.staff_stages, name="staff_stages"),
    path("staff/stages/companies/<int:pk>/", stage_reviews.staff_company_stage, name="staff_company_stage"),
    path("staff/stages/companies/<int:pk>/move/", stage_reviews.staff_stage_move, name="staff_stage_move"),
    path("staff/stages/reports/", stage_reviews.staff_reports, name="staff_reports"),
    path("staff/stages/reports/<int:pk>/", stage_reviews.staff_report, name="staff_report"),
    path("staff/stages/reports/<int:pk>/review/", stage_reviews.staff_report_review, name="staff_report_review"),
    path("staff/stages/reports/<int:pk>/reviewer/", stage_reviews.staff_report_reviewer, name="staff_report_reviewer"),
    path("advisory/milestones/", stage_reviews.advisory_milestones, name="advisory_milestones"),
    path("advisory/milestones/<int:pk>/", stage_reviews.advisory_milestone, name="advisory_milestone"),
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
