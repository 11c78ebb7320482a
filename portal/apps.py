from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The project shell: home page, health checks and the demo-data command."""

    name = "portal"
    verbose_name = _("Portal")
