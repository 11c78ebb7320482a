"""Model signal receivers of the tenants app."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from campus.models import Campus
from common.admin import choices_changed

from .models import Company, IntakeBatch
from .selectors import directory_changed


@receiver(m2m_changed, sender=Company.business_areas.through, dispatch_uid="tenants.business_area_codes")
@receiver(m2m_changed, sender=Company.focus_areas.through, dispatch_uid="tenants.focus_area_codes")
def keep_area_codes(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    """Whichever side changed (a company's areas, or an area's companies), refresh the companies."""
    if action not in {"post_add", "post_remove", "post_clear", "pre_clear"}:
        return
    if not reverse:
        if action != "pre_clear":
            Company.refresh_area_codes([instance.pk])
            directory_changed()
        return
    if action == "pre_clear":  # the area loses all its companies: remember which, before they go
        instance._area_companies = list(instance.companies.values_list("pk", flat=True))
        return
    ids = list(pk_set or []) if action != "post_clear" else getattr(instance, "_area_companies", [])
    if ids:
        Company.refresh_area_codes(ids)
        directory_changed()


@receiver(post_save, sender=Company, dispatch_uid="tenants.directory_saved")
@receiver(post_delete, sender=Company, dispatch_uid="tenants.directory_deleted")
def directory_company_changed(sender, **kwargs) -> None:
    """Pages of the directory kept in the cache are not shown again once a company's change commits."""
    directory_changed()


@receiver(post_save, sender=Campus, dispatch_uid="tenants.filter_campus_saved")
@receiver(post_delete, sender=Campus, dispatch_uid="tenants.filter_campus_deleted")
@receiver(post_save, sender=IntakeBatch, dispatch_uid="tenants.filter_batch_saved")
@receiver(post_delete, sender=IntakeBatch, dispatch_uid="tenants.filter_batch_deleted")
def filter_choices_changed(sender, **kwargs) -> None:
    """The admin's filters by campus and by intake batch (tenants.admin) offer the rows as they are now."""
    choices_changed()
