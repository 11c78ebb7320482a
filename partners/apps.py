from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    """Partner organisations: their API tokens, referrals and signed webhooks."""

    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from tenants.hooks import status_panels
        from tenants.signals import application_status_changed, company_became_resident, company_stage_changed

        from . import events, hooks, receivers  # noqa: F401 - importing receivers connects them
        from .schedules import ensure_schedules

        post_migrate.connect(ensure_schedules, sender=self, dispatch_uid="partners.ensure_schedules")
        application_status_changed.connect(events.on_application_status_changed, dispatch_uid="partners.status")
        company_became_resident.connect(events.on_company_became_resident, dispatch_uid="partners.resident")
        company_stage_changed.connect(events.on_company_stage_changed, dispatch_uid="partners.stage")
        status_panels.connect(hooks.attribution_question, dispatch_uid="partners.attribution")
