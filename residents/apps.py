from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    """Resident companies after move-in: their people's accounts and their area at /my/."""

    name = "residents"
    verbose_name = _("Residents")

    def ready(self) -> None:
        from advisory import signals as advisory_signals
        from campus import signals as campus_signals
        from tenants import hooks as tenants_hooks
        from tenants import signals as tenants_signals

        from . import hooks, receivers
        from .schedules import ensure_schedules

        post_migrate.connect(ensure_schedules, sender=self, dispatch_uid="residents.ensure_schedules")

        tenants_signals.application_status_changed.connect(
            receivers.invite_approved_contacts, dispatch_uid="residents.invite_approved_contacts"
        )
        advisory_signals.dashboard_panels.connect(hooks.milestones_panel, dispatch_uid="residents.milestones_panel")
        advisory_signals.dashboard_panels.connect(hooks.calendar_panel, dispatch_uid="residents.calendar_panel")
        campus_signals.allocation_admin_panels.connect(
            hooks.allocation_lease_panel, dispatch_uid="residents.allocation_lease_panel"
        )
        tenants_hooks.matching_space_actions.connect(hooks.space_let_link, dispatch_uid="residents.space_let_link")
