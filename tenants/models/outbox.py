"""The outboxes: e-mails to send and domain events to announce, each written with its change.

Sending and announcing are ``tenants.notifications`` and ``tenants.events``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .applications import Application
from .companies import Company


class Notification(models.Model):
    """An e-mail to send, written in the same transaction as the change it reports.

    A job delivers it after commit and marks it sent; a delivery that runs twice sends once.
    The job claims the row for a while (``claimed_until``) and sends with no row lock held.
    The body is cleared once sent, so links in it do not linger.
    """

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("application"),
    )
    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("company"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    recipient = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attachment = models.CharField(
        _("attachment"),
        max_length=255,
        blank=True,
        help_text=_("A private document sent with the e-mail (read from storage when it is sent)."),
    )
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    claimed_until = models.DateTimeField(_("being sent until"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        indexes = [models.Index(fields=["sent_at"], name="tenants_notification_unsent")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"


class DomainEvent(models.Model):
    """Something that happened which other apps (partners' webhooks) act on: the events' outbox.

    Written once, in the transaction of the change; announced after commit and marked published,
    or announced later by the relay when that did not happen.
    """

    type = models.CharField(_("type"), max_length=60, db_index=True)
    key = models.CharField(_("deduplication key"), max_length=120, unique=True)
    payload = models.JSONField(_("payload"), default=dict)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    published_at = models.DateTimeField(_("announced at"), null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("domain event")
        verbose_name_plural = _("domain events")
        indexes = [
            models.Index(
                fields=["occurred_at"], condition=Q(published_at__isnull=True), name="tenants_event_unpublished"
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} · {self.occurred_at:%Y-%m-%d %H:%M}"
