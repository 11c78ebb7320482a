"""Fixed vocabularies of the partners app. Labels are translated; values are stored."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.TextChoices):
    INNOVATION_CENTER = "innovation_center", _("Innovation centre")
    INDUSTRY_ASSOCIATION = "industry_association", _("Industry association")
    PROFESSIONAL_SOCIETY = "professional_society", _("Professional society")
    UNIVERSITY = "university", _("University")
    HOSPITAL = "hospital", _("Hospital")
    INVESTOR = "investor", _("Investor")


class Relationship(models.TextChoices):
    COOPERATION_AGREEMENT = "cooperation_agreement", _("Cooperation agreement")
    STRATEGIC_PARTNERSHIP = "strategic_partnership", _("Strategic partnership")


class PartnerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    ENDED = "ended", _("Ended")


class Scope(models.TextChoices):
    DIRECTORY_READ = "directory:read", _("Read the resident directory and campuses")
    SPACES_READ = "spaces:read", _("Read available space")
    REFERRALS_READ = "referrals:read", _("Read own referrals")
    REFERRALS_WRITE = "referrals:write", _("Create referrals")
    WEBHOOKS_MANAGE = "webhooks:manage", _("Manage webhooks and read deliveries")


class EventType(models.TextChoices):
    REFERRAL_STATUS_CHANGED = "referral.status_changed", _("A referral's status changed")
    COMPANY_BECAME_RESIDENT = "company.became_resident", _("A referred company became a resident")
    COMPANY_STAGE_CHANGED = "company.stage_changed", _("A referred resident moved to another platform stage")
    PING = "ping", _("Ping (test event)")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed (gave up)")


class Attribution(models.TextChoices):
    """Whether a referral may follow its application: only one it started, or one its applicant confirmed."""

    STARTED = "started", _("Started the application")
    PENDING = "pending", _("Waiting for the applicant to confirm")
    CONFIRMED = "confirmed", _("Confirmed by the applicant")
    DECLINED = "declined", _("Declined by the applicant")
