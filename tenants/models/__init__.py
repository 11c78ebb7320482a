"""Models of the tenants app, one module per area."""

from .applications import (
    AccessLink,
    Application,
    ApplicationContact,
    ApplicationDocument,
    ApplicationEdit,
    ApplicationQuerySet,
    ApplicationTransition,
)
from .companies import Company, CompanyQuerySet, DiseaseStage, FocusArea, IntakeBatch
from .onboarding import (
    ComplianceDocument,
    OnboardingPlan,
    OnboardingReminder,
    OnboardingTask,
    OnboardingTemplate,
    OnboardingTemplateTask,
)
from .outbox import DomainEvent, Notification
from .outcomes import OutcomeSurvey
from .privacy import DataRequest

__all__ = [
    "AccessLink",
    "Application",
    "ApplicationContact",
    "ApplicationDocument",
    "ApplicationEdit",
    "ApplicationQuerySet",
    "ApplicationTransition",
    "Company",
    "CompanyQuerySet",
    "ComplianceDocument",
    "DataRequest",
    "DiseaseStage",
    "DomainEvent",
    "FocusArea",
    "IntakeBatch",
    "Notification",
    "OnboardingPlan",
    "OnboardingReminder",
    "OnboardingTask",
    "OnboardingTemplate",
    "OnboardingTemplateTask",
    "OutcomeSurvey",
]
