"""Admin pages of the tenants app, one module per feature, as in ``tenants.models``.

Importing this package registers them all (``admin.autodiscover`` imports ``tenants.admin``).
"""

from . import applications, companies, onboarding, outbox, privacy

__all__ = ["applications", "companies", "onboarding", "outbox", "privacy"]
