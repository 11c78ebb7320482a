from django.urls import path

from .views import applications, directory, documents, links, onboarding, outcomes, privacy

app_name = "tenants"

urlpatterns = [
    path("apply/", applications.apply_start, name="apply"),
    path("apply/step/<slug:step>/", applications.apply_step, name="apply_step"),
    path("apply/review/", applications.apply_review, name="apply_review"),
    path("apply/save/", applications.apply_save_later, name="apply_save_later"),
    path("apply/invite/", applications.apply_invite, name="apply_invite"),
    path("apply/new/", applications.apply_restart, name="apply_restart"),
    path("apply/link/", links.link_request, name="link_request"),
    path("apply/link/open/", links.link_open, name="link_open"),
    path("apply/resume/<str:token>/", links.link_exchange, {"destination": "resume"}, name="resume_link"),
    path("apply/status/<str:token>/", links.link_exchange, {"destination": "status"}, name="status_link"),
    path("apply/status/", applications.apply_status, name="apply_status"),
    path("apply/withdraw/", applications.apply_withdraw, name="apply_withdraw"),
    path("apply/my-data/", privacy.apply_my_data, name="apply_my_data"),
    path("apply/erase/", privacy.apply_erase, name="apply_erase"),
    path("apply/onboarding/<int:pk>/", onboarding.onboarding_task_done, name="onboarding_task_done"),
    path("apply/outcomes/<int:pk>/", outcomes.outcome_survey_answer, name="outcome_survey_answer"),
    path("staff/onboarding/", onboarding.staff_onboarding, name="staff_onboarding"),
    path("staff/onboarding/tasks/<int:pk>/", onboarding.staff_onboarding_task, name="staff_onboarding_task"),
    path("compliance/<int:pk>/", documents.compliance_download, name="compliance_download"),
    path("residents/", directory.residents, name="residents"),
    path("residents/<slug:slug>/", directory.resident_detail, name="resident_detail"),
    path("residents/<slug:slug>/logo/<slug:key>.png", directory.resident_logo, name="resident_logo"),
    path("documents/<int:pk>/", documents.document_download, name="document_download"),
]
