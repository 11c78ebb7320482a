from django.urls import path

from . import views

app_name = "tenants"

urlpatterns = [
    path("apply/", views.apply_start, name="apply"),
    path("apply/step/<slug:step>/", views.apply_step, name="apply_step"),
    path("apply/review/", views.apply_review, name="apply_review"),
    path("apply/save/", views.apply_save_later, name="apply_save_later"),
    path("apply/invite/", views.apply_invite, name="apply_invite"),
    path("apply/new/", views.apply_restart, name="apply_restart"),
    path("apply/link/", views.link_request, name="link_request"),
    path("apply/link/open/", views.link_open, name="link_open"),
    path("apply/resume/<str:token>/", views.link_exchange, {"destination": "resume"}, name="resume_link"),
    path("apply/status/<str:token>/", views.link_exchange, {"destination": "status"}, name="status_link"),
    path("apply/status/", views.apply_status, name="apply_status"),
    path("apply/withdraw/", views.apply_withdraw, name="apply_withdraw"),
    path("apply/my-data/", views.apply_my_data, name="apply_my_data"),
    path("apply/erase/", views.apply_erase, name="apply_erase"),
    path("apply/onboarding/<int:pk>/", views.onboarding_task_done, name="onboarding_task_done"),
    path("apply/outcomes/<int:pk>/", views.outcome_survey_answer, name="outcome_survey_answer"),
    path("staff/onboarding/", views.staff_onboarding, name="staff_onboarding"),
    path("staff/onboarding/tasks/<int:pk>/", views.staff_onboarding_task, name="staff_onboarding_task"),
    path("compliance/<int:pk>/", views.compliance_download, name="compliance_download"),
    path("residents/", views.residents, name="residents"),
    path("residents/<slug:slug>/", views.resident_detail, name="resident_detail"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
]
