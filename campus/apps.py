from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CampusConfig(AppConfig):
    """Campuses, their buildings and spaces, and the allocation of spaces to companies."""

    name = "campus"
    verbose_name = _("Campus")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the model receivers
        from .models import sync_lookups

        # After every migrate and every test-database flush, like content types.
        post_migrate.connect(sync_lookups, sender=self, dispatch_uid="campus.sync_lookups")
