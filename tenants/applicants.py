"""The applicant in this browser: the application it follows, and who it is.

A browser follows an application after filling in its first step or opening an e-mailed link;
the session remembers which, and the address the link was sent to. Higher apps with forms on
the status page (advisory's consultations, partners' referral question) ask ``applicant_from``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Application
from .selectors import application_for_applicant

SESSION_KEY = "applicant"


@dataclass(frozen=True)
class Applicant:
    application: Application
    email: str
    """The address the link was sent to; "" in the browser that filled in the form."""

    @property
    def requester(self) -> str:
        """Who asks, for the record: the link's address, or else the application's primary contact."""
        contact = self.application.primary_contact
        return self.email or (contact.email if contact else "")


def applicant_from(request) -> Applicant | None:
    """The application this browser follows and who it is, or None when it follows none."""
    data = request.session.get(SESSION_KEY)
    if not data:
        return None
    application = application_for_applicant(data["application"])
    if application is None:
        return None
    return Applicant(application=application, email=data.get("email", ""))


def applicant_email(request) -> str:
    """The address the link this browser opened was sent to, without reading the application."""
    return (request.session.get(SESSION_KEY) or {}).get("email", "")


def applicant_enter(request, application: Application, email: str = "") -> None:
    """From now on this browser (under a new session key) follows ``application`` as ``email``."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"application": application.pk, "email": email}


def applicant_leave(request) -> None:
    """This browser follows no application any more; the application stays saved."""
    request.session.pop(SESSION_KEY, None)
