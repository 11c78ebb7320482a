"""What the admin pages of tenants share."""

from __future__ import annotations

from django.contrib import admin

from ..models import IntakeBatch


class IntakeBatchFilter(admin.RelatedFieldListFilter):
    """Batches are named with their campus: read both in one query, not one per batch."""

    def field_choices(self, field, request, model_admin):
        return [(batch.pk, str(batch)) for batch in IntakeBatch.objects.select_related("campus")]
