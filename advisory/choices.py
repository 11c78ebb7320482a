from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    ENTERPRISE = "enterprise", _("Enterprise")
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTION = "research_institution", _("Research institution")
    MEDICAL_INSTITUTION = "medical_institution", _("Medical institution")


class Origin(models.TextChoices):
    DOMESTIC = "domestic", _("Domestic")
    OVERSEAS = "overseas", _("Overseas")


class Recommendation(models.TextChoices):
    APPROVE = "approve", _("Approve")
    APPROVE_WITH_CONDITIONS = "approve_with_conditions", _("Approve with conditions")
    REJECT = "reject", _("Reject")


class ConsultationStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ASSIGNED = "assigned", _("Assigned to a member")
    CLOSED = "closed", _("Closed")
