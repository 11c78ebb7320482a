from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    """Companies that apply to a campus and become its residents, and their intake batches."""

    name = "tenants"
    verbose_name = _("Companies")
