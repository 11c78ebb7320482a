"""Records of the portal itself: background jobs that failed for good."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FailedJob(models.Model):
    """A job that raised after its last retry (or had none): staff see it in the admin."""

    task = models.CharField(_("job"), max_length=200, db_index=True)
    task_id = models.CharField(_("job id"), max_length=64, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    arguments = models.TextField(_("arguments"), blank=True)
    exception = models.CharField(_("error"), max_length=500)
    traceback = models.TextField(_("traceback"), blank=True)
    failed_at = models.DateTimeField(_("failed at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-failed_at"]
        verbose_name = _("failed job")
        verbose_name_plural = _("failed jobs")

    def __str__(self) -> str:
        return f"{self.task} ({self.failed_at:%Y-%m-%d %H:%M})"
