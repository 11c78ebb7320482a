"""Model signal receivers of the tenants app."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from campus.models import BusinessArea, Campus, connect_lookup_codes
from common.admin import choices_changed

from .models import Company, IntakeBatch
from .selectors import directory_changed

# A company's codes of business and focus areas follow its links and the areas themselves; the
# directory's cached pages show them.
connect_lookup_codes(Company, refreshed=directory_changed)


@receiver(post_save, sender=Company, dispatch_uid="tenants.directory_saved")
@receiver(post_delete, sender=Company, dispatch_uid="tenants.directory_deleted")
def directory_company_changed(sender, **kwargs) -> None:
    """Pages of the directory kept in the cache are not shown again once a company's change commits."""
    directory_changed()


@receiver(post_save, sender=Campus, dispatch_uid="tenants.filter_campus_saved")
@receiver(post_delete, sender=Campus, dispatch_uid="tenants.filter_campus_deleted")
@receiver(post_save, sender=IntakeBatch, dispatch_uid="tenants.filter_batch_saved")
@receiver(post_delete, sender=IntakeBatch, dispatch_uid="tenants.filter_batch_deleted")
@receiver(post_save, sender=BusinessArea, dispatch_uid="tenants.filter_area_saved")
@receiver(post_delete, sender=BusinessArea, dispatch_uid="tenants.filter_area_deleted")
def filter_choices_changed(sender, **kwargs) -> None:
    """The admin's filters by campus, intake batch and business area (tenants.admin) offer the rows as they are now."""
    choices_changed()
