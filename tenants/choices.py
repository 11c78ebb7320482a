"""Fixed vocabularies of the tenants app. Labels are translated; values are stored."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CompanyStatus(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ONBOARDING = "onboarding", _("Onboarding")
    RESIDENT = "resident", _("Resident")
    ALUMNI = "alumni", _("Alumni")


class CompanySize(models.TextChoices):
    MICRO = "1-10", _("1–10 people")
    SMALL = "11-50", _("11–50 people")
    MEDIUM = "51-200", _("51–200 people")
    LARGE = "201-1000", _("201–1,000 people")
    ENTERPRISE = "1000+", _("More than 1,000 people")


class FocusAreas(models.TextChoices):
    EARLY_CANCER_DIAGNOSIS = "early_cancer_diagnosis", _("Early cancer diagnosis")
    ONCOGENE_TESTING = "oncogene_testing", _("Oncogene testing")
    AI_DIAGNOSIS = "ai_diagnosis", _("AI diagnosis")
    CLINICAL_TRIALS = "clinical_trials", _("Clinical trials")


class DiseaseStages(models.TextChoices):
    """Stages of complete disease management a company's products or services cover."""

    SCREENING = "screening", _("Screening")
    DIAGNOSIS = "diagnosis", _("Diagnosis")
    TREATMENT = "treatment", _("Treatment")
    FOLLOW_UP = "follow_up", _("Follow-up")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    SCREENING = "screening", pgettext_lazy("application status", "Screening")
    COMMITTEE_REVIEW = "committee_review", _("Committee review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The named sets of statuses; code and templates use these names, never a list of values.

# Companies on campus: approved and onboarding, or resident. They may ask the committee for
# counsel, and their details outlive the erasure of an application.
ON_CAMPUS = frozenset({CompanyStatus.ONBOARDING, CompanyStatus.RESIDENT})

# Not decided yet: the applicant may withdraw, and a partner's referral joins the application.
UNDECIDED = frozenset(
    {
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.SCREENING,
        ApplicationStatus.COMMITTEE_REVIEW,
    }
)
# Submitted and not decided yet: in staff's or the committee's hands.
IN_REVIEW = UNDECIDED - {ApplicationStatus.DRAFT}
# Waiting for staff's screening: submitted, or being screened.
TO_SCREEN = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.SCREENING})
# A decision on the application; it needs the minimum of completed reviews (``rules.reviews_missing``).
DECISIONS = frozenset({ApplicationStatus.APPROVED, ApplicationStatus.REJECTED})
# Ended without a place on campus: personal data is erased after APPLICATION_RETENTION_DAYS.
ENDED_WITHOUT_PLACE = frozenset({ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN})
# Ended, with a place or without: no move leads on. ``decided_at`` records when the application
# got here (for a withdrawal, when it was withdrawn); the retention period counts from it.
ENDED = DECISIONS | ENDED_WITHOUT_PLACE


class DocumentKind(models.TextChoices):
    PITCH_DECK = "pitch_deck", _("Pitch deck")
    BUSINESS_LICENCE = "business_licence", _("Business licence or registration")
    OTHER = "other", _("Other document")


class TaskOwner(models.TextChoices):
    COMPANY = "company", _("The company")
    CAMPUS_MANAGER = "campus_manager", _("Campus manager")
    SPACE_MANAGER = "space_manager", _("Space manager")
    FACILITIES = "facilities", _("Facilities and security")
    IT = "it", _("IT services")


class TaskState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    WAIVED = "waived", _("Waived")


class ComplianceKind(models.TextChoices):
    RESIDENCY_AGREEMENT = "residency_agreement", _("Signed residency agreement")
    INSURANCE_CERTIFICATE = "insurance_certificate", _("Insurance certificate")
    BIOSAFETY_PERMIT = "biosafety_permit", _("Biosafety permit")
    HAZARDOUS_MATERIALS_PERMIT = "hazardous_materials_permit", _("Hazardous-materials permit")
    OTHER = "other", _("Other compliance document")


# Kinds whose document carries an expiry date the campus follows up.
EXPIRING_KINDS = frozenset(
    {
        ComplianceKind.INSURANCE_CERTIFICATE,
        ComplianceKind.BIOSAFETY_PERMIT,
        ComplianceKind.HAZARDOUS_MATERIALS_PERMIT,
    }
)
