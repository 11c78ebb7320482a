"""Model signal receivers of the campus app."""

from __future__ import annotations

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from .models import Space


@receiver(m2m_changed, sender=Space.platform_stages.through, dispatch_uid="campus.space_platform_stage_codes")
@receiver(m2m_changed, sender=Space.gases.through, dispatch_uid="campus.space_gas_codes")
def keep_lookup_codes(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    """Whichever side changed (a space's stages or gases, or a lookup's spaces), refresh the spaces."""
    if action not in {"post_add", "post_remove", "post_clear", "pre_clear"}:
        return
    if not reverse:
        if action != "pre_clear":
            Space.refresh_lookup_codes([instance.pk])
        return
    if action == "pre_clear":  # the lookup loses all its spaces: remember which, before they go
        instance._lookup_spaces = list(instance.spaces.values_list("pk", flat=True))
        return
    ids = list(pk_set or []) if action != "post_clear" else getattr(instance, "_lookup_spaces", [])
    if ids:
        Space.refresh_lookup_codes(ids)
