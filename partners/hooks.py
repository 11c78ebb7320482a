"""Partners' answers to the tenants hook points (``tenants/hooks.py``), connected in ``apps.py``."""

from __future__ import annotations

from . import views


def attribution_question(sender, *, request, application, **kwargs) -> str:
    """``status_panels``: ask the applicant about each partner that says it referred them."""
    return views.attribution_panel(request, application)
