from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvisoryConfig(AppConfig):
    """The advisory committee: members, their reviews of applications, and the reviewer area."""

    name = "advisory"
    verbose_name = _("Advisory committee")

    def ready(self) -> None:
        from tenants import rules
        from tenants.views import register_comment_source, register_download_check

        from . import services

        rules.register_review_counter(services.completed_review_count)
        register_download_check(services.member_may_download)
        register_comment_source(services.shared_comments)
