"""Partner organisations, their API tokens, referrals and webhooks."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from campus.models import Campus
from common.history import history_user
from common.storage import private_storage
from common.translation import translation_history_base
from tenants.choices import ApplicationStatus
from tenants.models import Application, Company

from .choices import Attribution, DeliveryState, EventType, PartnerKind, PartnerStatus, Relationship, Scope


class Partner(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country or region"))
    kind = models.CharField(_("kind"), max_length=30, choices=PartnerKind.choices)
    relationship = models.CharField(_("relationship"), max_length=30, choices=Relationship.choices)
    since = models.DateField(_("partner since"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=PartnerStatus.choices, default=PartnerStatus.ACTIVE)
    website = models.URLField(_("website"), blank=True)
    campuses = models.ManyToManyField(Campus, verbose_name=_("campuses"), blank=True, related_name="partners")
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(
        get_user=history_user,
        bases=[translation_history_base(__name__, name=models.CharField(_("name"), max_length=200, blank=True))],
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == PartnerStatus.ACTIVE


def _agreement_path(instance: Agreement, filename: str) -> str:
    return f"agreements/{instance.partner.slug}/{uuid.uuid4().hex}{instance.extension}"


def _private_storage():
    """The storage of agreements: common.storage.private_storage (migrations name this function)."""
    return private_storage


class Agreement(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("partner"))
    type = models.CharField(_("type"), max_length=30, choices=Relationship.choices)
    signed_on = models.DateField(_("signed on"))
    term_ends_on = models.DateField(_("term ends on"), null=True, blank=True)
    document = models.FileField(
        _("document"), upload_to=_agreement_path, storage=_private_storage, blank=True, max_length=255
    )
    extension = models.CharField(_("extension"), max_length=10, blank=True)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["partner", "-signed_on"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_ends_on__isnull=True) | Q(term_ends_on__gte=models.F("signed_on")),
                name="partners_agreement_term_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.get_type_display()} ({self.signed_on})"


class PartnerTokenQuerySet(models.QuerySet):
    def usable(self) -> PartnerTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, partner__status=PartnerStatus.ACTIVE).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class PartnerToken(models.Model):
    """A bearer token of a partner. Only its SHA-256 hash is stored; the prefix identifies it to people."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="tokens", verbose_name=_("partner"))
    name = models.CharField(_("name"), max_length=100, default="default")
    prefix = models.CharField(_("prefix"), max_length=16, editable=False)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = PartnerTokenQuerySet.as_manager()

    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["partner", "-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.partner}, {self.name})"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


# A referral's status as its partner sees it: the application's, or one of these before it is linked.
PENDING_STATUS = "pending_attribution"
DECLINED_STATUS = "attribution_declined"
PARTNER_STATUSES = (*ApplicationStatus.values, PENDING_STATUS, DECLINED_STATUS)


class ReferralQuerySet(models.QuerySet):
    def linked(self) -> ReferralQuerySet:
        """Referrals that may follow their application: they started it, or its applicant confirmed them."""
        return self.filter(attribution__in=Referral.LINKED)


class Referral(models.Model):
    """A company a partner refers to a campus; once linked, its status is its application's.

    A referral of a company that already had an application does not join it: it waits until the
    applicant confirms the partner referred them (``attribution``).
    """

    LINKED = (Attribution.STARTED, Attribution.CONFIRMED)

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("partner"))
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("application")
    )
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("company"))
    contact_name = models.CharField(_("contact name"), max_length=120)
    contact_email = models.EmailField(_("contact e-mail"))
    note = models.TextField(_("note from the partner"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by_token = models.ForeignKey(
        PartnerToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attribution = models.CharField(
        _("attribution"), max_length=20, choices=Attribution.choices, default=Attribution.PENDING, db_index=True
    )
    attribution_answered_at = models.DateTimeField(_("applicant answered at"), null=True, blank=True)
    attribution_answered_by = models.EmailField(_("applicant answered as"), blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        # The admin list's order (Meta.ordering), read from an index at any size.
        indexes = [models.Index(fields=["-created_at", "-id"], name="partners_referral_list_order")]
        constraints = [
            models.UniqueConstraint(fields=["partner", "application"], name="partners_referral_once_per_application")
        ]

    def __str__(self) -> str:
        return f"{self.company} ← {self.partner}"

    @classmethod
    def status_for_partner(cls, *, attribution: str, application_status: str) -> str:
        """What the partner sees as the referral's status: the application's only once the referral is linked."""
        if attribution in cls.LINKED:
            return application_status
        return DECLINED_STATUS if attribution == Attribution.DECLINED else PENDING_STATUS


class IdempotencyKey(models.Model):
    """The first response to a POST with an Idempotency-Key, kept to replay it (Stripe/IETF semantics)."""

    token = models.ForeignKey(PartnerToken, on_delete=models.CASCADE, related_name="idempotency_keys")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="partners_idempotency_key_per_token")]

    def __str__(self) -> str:
        return f"{self.key} ({self.method} {self.path})"


class WebhookEndpoint(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("partner"))
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(_("event types"), default=list)
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    previous_secret = models.CharField(_("previous signing secret"), max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(_("previous secret valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(_("why it was disabled"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["partner", "-created_at"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def signing_secrets(self) -> list[str]:
        secrets = [self.secret]
        if (
            self.previous_secret
            and self.previous_secret_expires_at
            and self.previous_secret_expires_at > timezone.now()
        ):
            secrets.append(self.previous_secret)
        return secrets


class WebhookDelivery(models.Model):
    """One event for one endpoint; retried until it succeeds or its retry schedule runs out."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    event_id = models.CharField(_("event id"), max_length=64)
    event_type = models.CharField(_("event type"), max_length=60, choices=EventType.choices)
    payload = models.JSONField(_("payload"))
    state = models.CharField(_("state"), max_length=20, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    replay_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        # The admin list's order (Meta.ordering), read from an index at any size.
        indexes = [models.Index(fields=["-created_at", "-id"], name="partners_delivery_list_order")]
        constraints = [models.UniqueConstraint(fields=["endpoint", "event_id"], name="partners_delivery_once")]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint}"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("delivery")
    )
    attempted_at = models.DateTimeField(_("attempted at"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    response_excerpt = models.CharField(_("response (truncated)"), max_length=500, blank=True)
    error = models.CharField(_("error"), max_length=255, blank=True)

    class Meta:
        ordering = ["attempted_at", "pk"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.status_code or self.error} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"


ALL_SCOPES = list(Scope.values)
EVENT_TYPES = list(EventType.values)
