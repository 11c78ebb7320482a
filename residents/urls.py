from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from .views import account, announcements, company, frontdesk, home, profile, security, stage_reviews, stages, team

app_name = "residents"
urlpatterns = [
    path("my/", home.home, name="home"),
    path("my/team/", team.team, name="team"),
    path("my/team/invite/", team.team_invite, name="team_invite"),
    path("my/team/<int:pk>/role/", team.member_role, name="member_role"),
    path("my/team/<int:pk>/remove/", team.member_delete, name="member_remove"),
    path("my/team/invitations/<int:pk>/withdraw/", team.invitation_delete, name="invitation_withdraw"),
    path("my/consultations/", company.consultations, name="consultations"),
    path("my/outcomes/", company.outcomes, name="outcomes"),
    path("my/account/", security.account, name="account"),
    path("my/account/export/", security.account_export, name="account_export"),
    path("my/account/close/", security.account_close, name="account_close"),
    path("my/two-factor/", security.two_factor, name="two_factor"),
    path("my/profile/", profile.profile, name="profile"),
    path("my/profile/logo/", profile.profile_logo, name="profile_logo"),
    path("my/visitors/", frontdesk.visitors, name="visitors"),
    path("my/visitors/<int:pk>/cancel/", frontdesk.visitor_cancel, name="visit_cancel"),
    path("my/deliveries/", frontdesk.deliveries, name="deliveries"),
    path("my/announcements/", announcements.announcements, name="announcements"),
    path("my/announcements/<int:pk>/", announcements.announcement, name="announcement"),
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
    # The front desk's staff pages (a staff role, not a company's people).
    path("staff/frontdesk/", frontdesk.desk, name="frontdesk"),
    path("staff/frontdesk/walk-in/", frontdesk.desk_walk_in, name="frontdesk_walk_in"),
    path("staff/frontdesk/visits/<int:pk>/check-in/", frontdesk.desk_check_in, name="frontdesk_check_in"),
    path("staff/frontdesk/visits/<int:pk>/check-out/", frontdesk.desk_check_out, name="frontdesk_check_out"),
    path("staff/frontdesk/deliveries/", frontdesk.desk_deliveries, name="frontdesk_deliveries"),
    path("staff/frontdesk/deliveries/new/", frontdesk.desk_delivery_log, name="frontdesk_delivery_log"),
    path(
        "staff/frontdesk/deliveries/<int:pk>/collect/",
        frontdesk.desk_delivery_collect,
        name="frontdesk_delivery_collect",
    ),
]
