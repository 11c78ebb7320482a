"""Applicants' requests under China's PIPL and the GDPR, and the record kept once they are handled."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import Application


class DataRequest(models.Model):
    class Kind(models.TextChoices):
        EXPORT = "export", _("Export of my data")
        ERASURE = "erasure", _("Erasure of my data")
        RETENTION = "retention", _("Erased at the end of the retention period")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for staff")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")

    # Kept after erasure (the application row stays, stripped of personal data), so the record
    # still says which application it was about.
    application = models.ForeignKey(
        Application, on_delete=models.SET_NULL, null=True, related_name="data_requests", verbose_name=_("application")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    # The requester's address until the request is handled; then only its SHA-256 hash.
    requested_by = models.CharField(_("requested by"), max_length=254, blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.TextField(_("what was done"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("personal-data request")
        verbose_name_plural = _("personal-data requests")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.requested_at:%Y-%m-%d}"
