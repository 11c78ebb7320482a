from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvisoryConfig(AppConfig):
    """The advisory committee: members, their reviews of applications, and the reviewer area."""

    name = "advisory"
    verbose_name = _("Advisory committee")

    def ready(self) -> None:
        from tenants import hooks as tenants_hooks

        from . import hooks

        tenants_hooks.review_counter.connect(hooks.review_count, dispatch_uid="advisory.review_count")
        tenants_hooks.download_permission.connect(hooks.reviewer_download, dispatch_uid="advisory.download")
        tenants_hooks.shared_comments.connect(hooks.review_comments, dispatch_uid="advisory.comments")
        tenants_hooks.status_panels.connect(hooks.consultations_panel, dispatch_uid="advisory.consultations")
        tenants_hooks.application_admin_actions.connect(hooks.application_actions, dispatch_uid="advisory.actions")
