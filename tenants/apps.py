from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    """Companies, their applications to a campus, and the resident directory."""

    name = "tenants"
    verbose_name = _("Companies and applications")

    def ready(self) -> None:
        from campus.models import sync_lookups

        from . import receivers  # noqa: F401 - connects the model receivers
        from .schedules import ensure_schedules

        post_migrate.connect(sync_lookups, sender=self, dispatch_uid="tenants.sync_lookups")
        post_migrate.connect(ensure_schedules, sender=self, dispatch_uid="tenants.ensure_schedules")
