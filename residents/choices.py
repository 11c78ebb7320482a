from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberRole(models.TextChoices):
    """What a person may do for their company in /my/."""

    ADMIN = "admin", _("Company admin")
    MEMBER = "member", _("Member")
    FINANCE = "finance", _("Finance")
