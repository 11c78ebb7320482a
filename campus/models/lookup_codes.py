"""Codes of a row's many-to-many lookups kept on the row itself, and what keeps them in step.

A space lists the codes of its platform stages and gases, a company those of its business and
focus areas, so that lists read one row per space or company. The codes change when the links
change (``m2m_changed``), when a linked lookup is deleted (its links go by cascade, without
``m2m_changed``) and when a lookup's code or position changes; ``connect_lookup_codes`` listens
to all three. Only ``refresh_lookup_codes`` writes the code fields: ``save()`` of an existing row
leaves them out, so an instance loaded before a refresh does not write the old codes back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

# Rows refreshed per round of queries: a lookup may be linked to thousands of rows at once.
REFRESH_BATCH = 500


class KeepsLookupCodes(models.Model):
    """A model that keeps the codes of some of its many-to-many lookups on its own row."""

    # Each many-to-many field of lookups, and the JSON field holding its codes in lookup order.
    lookup_codes: ClassVar[dict[str, str]] = {}

    class Meta:
        abstract = True

    def save(self, *args, update_fields: Iterable[str] | None = None, **kwargs) -> None:
        update_fields = None if update_fields is None else list(update_fields)  # may be a generator
        if self.pk is not None and not self._state.adding and not kwargs.get("force_insert"):
            columns = set(self.lookup_codes.values())
            if update_fields is None:
                deferred = self.get_deferred_fields()
                update_fields = [
                    field.attname
                    for field in self._meta.concrete_fields
                    if not field.primary_key
                    and not field.generated
                    and field.attname not in columns
                    and field.attname not in deferred
                ]
            if not columns.intersection(update_fields):
                # The row's codes are right; the history row (django-simple-history) is made from
                # the instance, so it gets them too rather than what was loaded before a refresh.
                self.refresh_from_db(using=kwargs.get("using"), fields=sorted(columns))
        super().save(*args, update_fields=update_fields, **kwargs)

    @classmethod
    def lookup_codes_stamp(cls) -> dict[str, Any]:
        """Further values written with refreshed codes (``update()`` skips ``auto_now``)."""
        return {}

    @classmethod
    def refresh_lookup_codes(cls, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """Copy the codes of these rows' lookups onto the rows, in lookup order; the values written, by id."""
        ids = list(ids)
        written: dict[int, dict[str, Any]] = {}
        for start in range(0, len(ids), REFRESH_BATCH):
            written.update(cls._refresh_lookup_codes(ids[start : start + REFRESH_BATCH]))
        return written

    @classmethod
    def _refresh_lookup_codes(cls, ids: list[int]) -> dict[int, dict[str, Any]]:
        codes: dict[int, dict[str, Any]] = {pk: {column: [] for column in cls.lookup_codes.values()} for pk in ids}
        for name, column in cls.lookup_codes.items():
            field = cls._meta.get_field(name)
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            rows = (
                field.remote_field.through.objects.filter(**{f"{source}_id__in": ids})
                .order_by(f"{target}__position", f"{target}__code")
                .values_list(f"{source}_id", f"{target}__code")
            )
            for pk, code in rows:
                codes[pk][column].append(code)
        stamp = cls.lookup_codes_stamp()
        # One UPDATE per distinct set of lists rather than one per row.
        alike: dict[str, list[int]] = {}
        for pk, values in codes.items():
            alike.setdefault(json.dumps(values, sort_keys=True), []).append(pk)
        for values, pks in alike.items():
            cls.objects.filter(pk__in=pks).update(**json.loads(values), **stamp)
        return {pk: {**values, **stamp} for pk, values in codes.items()}


def connect_lookup_codes(owner: type[KeepsLookupCodes], refreshed: Callable[[], None] | None = None) -> None:
    """Refresh ``owner``'s codes whenever its links or its lookups change; ``refreshed`` then runs."""
    for name in owner.lookup_codes:
        _connect(owner, owner._meta.get_field(name), refreshed)


def _connect(owner: type[KeepsLookupCodes], field, refreshed: Callable[[], None] | None) -> None:
    through, lookup = field.remote_field.through, field.related_model
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    uid = f"{owner._meta.label_lower}.{field.name}"
    remembered = f"_lookup_codes_{uid.replace('.', '_')}"  # on the lookup instance, between two signals

    def refresh(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        ids = list(ids)
        if not ids:
            return {}
        written = owner.refresh_lookup_codes(ids)
        if refreshed is not None:
            refreshed()
        return written

    def linked(pk: int) -> list[int]:
        return list(through.objects.filter(**{f"{target}_id": pk}).values_list(f"{source}_id", flat=True))

    def links_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
        """Whichever side changed (a row's lookups, or a lookup's rows), refresh the rows."""
        if not reverse:
            if action in {"post_add", "post_remove", "post_clear"}:
                # The instance in hand gets the codes too, so that its next save() shows them.
                for column, value in refresh([instance.pk]).get(instance.pk, {}).items():
                    setattr(instance, column, value)
            return
        if action == "pre_clear":  # the lookup loses all its rows: remember which, before they go
            setattr(instance, remembered, linked(instance.pk))
        elif action in {"post_add", "post_remove"}:
            refresh(pk_set or [])
        elif action == "post_clear":
            refresh(getattr(instance, remembered, []))

    def lookup_deleting(sender, instance, **kwargs) -> None:
        """Its links go by cascade, without m2m_changed: remember the rows that had it."""
        setattr(instance, remembered, linked(instance.pk))

    def lookup_deleted(sender, instance, **kwargs) -> None:
        refresh(getattr(instance, remembered, []))

    def lookup_saving(sender, instance, **kwargs) -> None:
        """Read the code and position being replaced (sync_lookups saves every lookup on every deploy)."""
        old = None
        if instance.pk is not None and not instance._state.adding and not kwargs.get("raw"):
            old = lookup._default_manager.filter(pk=instance.pk).values_list("code", "position").first()
        setattr(instance, remembered, old)

    def lookup_saved(sender, instance, created: bool, **kwargs) -> None:
        """A new code or position changes the rows' codes or their order: refresh only then."""
        old = getattr(instance, remembered, None)
        if not created and old is not None and old != (instance.code, instance.position):
            refresh(linked(instance.pk))

    m2m_changed.connect(links_changed, sender=through, weak=False, dispatch_uid=f"{uid}.links")
    pre_delete.connect(lookup_deleting, sender=lookup, weak=False, dispatch_uid=f"{uid}.deleting")
    post_delete.connect(lookup_deleted, sender=lookup, weak=False, dispatch_uid=f"{uid}.deleted")
    pre_save.connect(lookup_saving, sender=lookup, weak=False, dispatch_uid=f"{uid}.saving")
    post_save.connect(lookup_saved, sender=lookup, weak=False, dispatch_uid=f"{uid}.saved")
