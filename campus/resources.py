"""Spreadsheet import and export of spaces and allocations (django-import-export)."""

from __future__ import annotations

from import_export import fields
from import_export.widgets import CharWidget

from common.resources import LabelledModelResource

from .models import Allocation, Building, Space


class SpaceResource(LabelledModelResource):
    """Columns: campus (slug), building (code), code, floor, kind, area_m2 and the laboratory fields.

    A row with the campus, building and code of an existing space updates it; others create spaces.
    """

    campus = fields.Field(attribute="building__campus__slug", column_name="campus", widget=CharWidget())
    building = fields.Field(attribute="building__code", column_name="building", widget=CharWidget())

    class Meta:
        model = Space
        fields = (
            "campus",
            "building",
            "code",
            "floor",
            "kind",
            "area_m2",
            "biosafety_level",
            "cleanroom_class",
            "fume_hoods",
            "has_cold_room",
            "description",
        )
        import_id_fields = ()
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_instance(self, instance_loader, row):
        building = self._building(row)
        return Space.objects.filter(building=building, code=str(row.get("code", "")).strip()).first()

    def _building(self, row) -> Building:
        from django.core.exceptions import ValidationError

        campus, code = str(row.get("campus", "")).strip(), str(row.get("building", "")).strip()
        building = Building.objects.filter(campus__slug=campus, code=code).first()
        if building is None:
            raise ValidationError({"building": f"No building {code!r} on campus {campus!r}."})
        return building

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.building = self._building(row)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.column_name in {"campus", "building"}:
            return  # resolved together in import_instance
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)


class AllocationResource(LabelledModelResource):
    campus = fields.Field(attribute="space__building__campus__slug", column_name="campus")
    space = fields.Field(attribute="space", column_name="space")
    company = fields.Field(attribute="company__name", column_name="company")

    class Meta:
        model = Allocation
        fields = ("campus", "space", "company", "starts_on", "ends_on", "area_m2", "notes")
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("space__building__campus", "company")
