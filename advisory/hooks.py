"""The committee's answers to the tenants hook points (``tenants/hooks.py``), connected in ``apps.py``."""

from __future__ import annotations

from django.template.loader import render_to_string

from . import services
from .admin import assign_reviewers_automatically


def review_count(sender, *, application, **kwargs) -> int:
    """``review_counter``: completed reviews count towards a decision."""
    return services.completed_review_count(application)


def reviewer_download(sender, *, user, document, **kwargs) -> bool:
    """``download_permission``: an assigned member without a conflict reads the documents."""
    return services.member_may_download(user, document)


def review_comments(sender, *, application, **kwargs) -> list[str]:
    """``shared_comments``: review comments staff chose to share."""
    return services.shared_comments(application)


def consultations_panel(sender, *, request, application, **kwargs) -> str:
    """``status_panels``: a company on campus may ask the committee for counsel."""
    if not services.counsel_offered_to(application.company):
        return ""
    return render_to_string("advisory/consultations_panel.html", request=request)


def application_actions(sender, *, request, **kwargs) -> list:
    """``application_admin_actions``: assign reviewers to the selected applications."""
    return [assign_reviewers_automatically]
