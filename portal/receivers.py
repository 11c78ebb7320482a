"""What the portal does when the tables its figures come from change (connected in ``apps.py``)."""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from common.cache import redis_back
from common.figures import figures_changed, figures_move_on

#: The tables the staff dashboard reads (``kpis``, ``finance_kpis``, ``residents.reports``): a
#: ``save()`` or ``delete()`` of any of them shows on the dashboard at once.
DASHBOARD_SOURCES = (
    "campus.Campus",
    "campus.CampusTarget",
    "campus.Building",
    "campus.Space",
    "campus.Allocation",
    "campus.PlatformStage",
    "campus.BusinessArea",
    "tenants.Company",
    "tenants.IntakeBatch",
    "tenants.Application",
    "tenants.ApplicationTransition",
    "tenants.OnboardingPlan",
    "tenants.OnboardingTask",
    "tenants.OutcomeSurvey",
    "partners.Partner",
    "partners.Referral",
    "advisory.AdvisoryMember",
    "advisory.Review",
    "residents.Lease",
    "residents.LeaseSubsidy",
    "residents.Invoice",
    "residents.InvoiceLine",
    "residents.Payment",
    "residents.PaymentAllocation",
    "residents.StageMilestone",
    "residents.MilestoneReport",
    "residents.StageTransition",
    "residents.ServiceTarget",
    "residents.ServiceRequest",
)
#: Their many-to-many fields the dashboard counts or joins through.
DASHBOARD_RELATIONS = (
    ("campus.Campus", "platform_stages"),
    ("tenants.Company", "business_areas"),
    ("residents.Lease", "allocations"),
)


def source_changed(sender, **kwargs) -> None:
    figures_changed()


def connect() -> None:
    redis_back.connect(figures_move_on, dispatch_uid="portal.figures.redis_back")
    for label in DASHBOARD_SOURCES:
        model = apps.get_model(label)
        post_save.connect(source_changed, sender=model, dispatch_uid=f"portal.figures.saved.{label}")
        post_delete.connect(source_changed, sender=model, dispatch_uid=f"portal.figures.deleted.{label}")
    for label, name in DASHBOARD_RELATIONS:
        through = apps.get_model(label)._meta.get_field(name).remote_field.through
        m2m_changed.connect(source_changed, sender=through, dispatch_uid=f"portal.figures.related.{label}.{name}")
