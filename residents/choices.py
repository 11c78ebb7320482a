from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberRole(models.TextChoices):
    """What a person may do for their company in /my/."""

    ADMIN = "admin", _("Company admin")
    MEMBER = "member", _("Member")
    FINANCE = "finance", _("Finance")


class AnnouncementAudience(models.TextChoices):
    """Whom an announcement is for: the companies it reaches are worked out when it is read or sent."""

    CAMPUS = "campus", _("The whole campus")
    BUILDING = "building", _("One building")
    COMPANIES = "companies", _("Chosen companies")
