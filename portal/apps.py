from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The project shell: home page, health checks and the demo-data command."""

    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import database, receivers
        from .roles import ensure_roles

        # Listed last in INSTALLED_APPS, so every app's permissions exist by now.
        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="portal.ensure_roles")
        receivers.connect()
        database.connect()
