from django.db import models
from django.utils.translation import gettext_lazy as _


class CompanyStatus(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ONBOARDING = "onboarding", _("Onboarding")
    RESIDENT = "resident", _("Resident")
    ALUMNI = "alumni", _("Alumni")
