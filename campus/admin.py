"""Campus staff manage campuses, buildings, spaces and allocations here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import models
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportMixin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from common.admin import PresentChoicesFilter, ReadOnlyInline

from .models import Allocation, Building, Campus, CampusTarget, Space
from .resources import AllocationResource, SpaceResource
from .selectors import spaces_with_free_area
from .services import allocation_save
from .signals import allocation_admin_panels_for

CHECKBOXES = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}


class DateListFilter(admin.SimpleListFilter):
    """A filter with a few quick dates and a date picker for any other day (YYYY-MM-DD)."""

    template = "admin/campus/date_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.other_params = [
            (name, value) for name, values in request.GET.lists() if name != self.parameter_name for value in values
        ]

    def lookups(self, request, model_admin):
        today = timezone.localdate()
        return [
            (today.isoformat(), _("Today")),
            ((today + dt.timedelta(days=30)).isoformat(), _("In 30 days")),
            ((today + dt.timedelta(days=90)).isoformat(), _("In 90 days")),
        ]

    def day(self) -> dt.date | None:
        if not self.value():
            return None
        try:
            return dt.date.fromisoformat(self.value())
        except ValueError as exc:
            raise IncorrectLookupParameters(_("Enter the date as YYYY-MM-DD.")) from exc


class AvailableOnFilter(DateListFilter):
    """Lettable spaces with some area free on the day (a shared space may still have room)."""

    title = _("available on")
    parameter_name = "available_on"

    def queryset(self, request, queryset):
        day = self.day()
        return queryset.available_on(day) if day else queryset


class ActiveOnFilter(DateListFilter):
    title = _("active on")
    parameter_name = "active_on"

    def queryset(self, request, queryset):
        day = self.day()
        return queryset.active_on(day) if day else queryset


class FreeAreaFilter(admin.ListFilter):
    """Spaces with at least this many m² not allocated on a day (today when no day is given)."""

    title = _("free area on a date")
    template = "admin/campus/free_area_filter.html"
    day_parameter = "free_on"
    area_parameter = "free_area"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.values = {}
        for name in self.expected_parameters():
            if name in params:
                value = params.pop(name)
                self.values[name] = value[-1] if isinstance(value, list) else value
        self.other_params = [
            (name, value)
            for name, values in request.GET.lists()
            if name not in self.expected_parameters()
            for value in values
        ]

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str]:
        return [self.day_parameter, self.area_parameter]

    def choices(self, changelist):
        return []

    def day(self) -> dt.date:
        value = self.values.get(self.day_parameter)
        if not value:
            return timezone.localdate()
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise IncorrectLookupParameters(_("Enter the date as YYYY-MM-DD.")) from exc

    def area(self) -> Decimal:
        value = self.values.get(self.area_parameter)
        if not value:
            return Decimal("0.01")
        try:
            area = Decimal(value)
        except InvalidOperation as exc:
            raise IncorrectLookupParameters(_("Enter the free area as a number of m².")) from exc
        if not area.is_finite() or area < 0:
            raise IncorrectLookupParameters(_("Enter the free area as a number of m².")) from None
        return area

    def queryset(self, request, queryset):
        if not self.values:
            return queryset
        free = spaces_with_free_area(on=self.day(), min_free_area=self.area())
        return queryset.filter(pk__in=free.values("pk"))


class CampusTargetInline(admin.TabularInline):
    model = CampusTarget
    extra = 0


class BuildingInline(admin.TabularInline):
    model = Building
    fields = ["code", "name", "floors", "gross_floor_area_m2", "is_demo"]
    extra = 0
    show_change_link = True


@admin.register(Campus)
class CampusAdmin(TranslationAdmin, SimpleHistoryAdmin):
    list_display = ["name_en", "name_zh_hans", "city", "country", "rd_area_m2", "opened_on", "building_count"]
    list_filter = [("country", PresentChoicesFilter)]
    search_fields = [
        "name_en",
        "name_zh_hans",
        "short_name",
        "city_en",
        "city_zh_hans",
        "district_en",
        "district_zh_hans",
    ]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = CHECKBOXES
    inlines = [CampusTargetInline, BuildingInline]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug"]}),
        (_("Location"), {"fields": ["city", "district", "province", "country", "time_zone"]}),
        (_("Staff"), {"fields": ["staff_emails"]}),
        (_("Residents' sign-in"), {"fields": ["residents_two_factor_required"]}),
        (
            _("Billing"),
            {
                "fields": ["invoice_prefix", "billing_day", "payment_terms_days"],
                "description": _(
                    "Issued invoices keep the prefix they were issued with; a new prefix numbers "
                    "the invoices issued from then on."
                ),
            },
        ),
        (
            _("Profile"),
            {"fields": ["rd_area_m2", "opened_on", "mission", "co_builders", "platform_stages", "business_areas"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(buildings_count=Count("buildings"))

    @admin.display(description=_("buildings"), ordering="buildings_count")
    def building_count(self, obj: Campus) -> int:
        return obj.buildings_count


class SpaceInline(admin.TabularInline):
    model = Space
    fields = ["code", "floor", "kind", "area_m2", "biosafety_level", "cleanroom_class"]
    extra = 0
    show_change_link = True


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "campus",
        "floors",
        "gross_floor_area_m2",
        "space_count",
        "space_area",
        "is_demo",
        "space_over_time",
    ]
    list_filter = ["campus", "is_demo"]
    search_fields = ["code", "name", "campus__name"]
    list_select_related = ["campus"]
    readonly_fields = ["space_over_time"]
    inlines = [SpaceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(spaces_count=Count("spaces"), spaces_area=Sum("spaces__area_m2"))

    @admin.display(description=_("spaces"), ordering="spaces_count")
    def space_count(self, obj: Building) -> int:
        return obj.spaces_count

    @admin.display(description=_("rentable area of spaces (m²)"), ordering="spaces_area")
    def space_area(self, obj: Building):
        return obj.spaces_area or 0

    @admin.display(description=_("space over time"))
    def space_over_time(self, obj: Building) -> str:
        if obj.pk is None:
            return "—"
        links = [
            ("campus:staff_space_timeline", _("Space timeline")),
            ("campus:staff_space_vacancies", _("Vacancies ahead")),
            ("campus:staff_space_floors", _("Floors")),
        ]
        return format_html_join(" · ", '<a href="{}">{}</a>', ((reverse(name, args=[obj.pk]), t) for name, t in links))


class AllocationInline(ReadOnlyInline):
    """Allocations of a space, read-only here: creating one goes through its own form and rules."""

    model = Allocation
    fields = ["company", "starts_on", "ends_on", "area_m2"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("company")


class SpaceLabelSearchMixin:
    """A ModelAdmin whose search also finds rows by their space's label as staff write it (``A-201``,
    ``a-201``, ``A201``), through ``space_label_lookup``: the path from a row to its space."""

    space_label_lookup = "space"

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        spaces = Space.objects.labelled(search_term or "")
        if spaces is not None:
            rows = queryset.model._default_manager.filter(**{f"{self.space_label_lookup}__in": spaces.values("pk")})
            results = results | queryset.filter(pk__in=rows.values("pk"))
        return results, may_have_duplicates


@admin.register(Space)
class SpaceAdmin(SpaceLabelSearchMixin, ImportExportMixin, SimpleHistoryAdmin):
    space_label_lookup = "pk"
    resource_classes = [SpaceResource]
    list_display = ["__str__", "building", "campus", "floor", "kind", "area_m2", "biosafety_level", "free_today"]
    list_filter = [
        "building__campus",
        ("building", admin.RelatedOnlyFieldListFilter),
        "kind",
        "lettable",
        "platform_stages",
        AvailableOnFilter,
        FreeAreaFilter,
        "biosafety_level",
        "cleanroom_class",
        "has_cold_room",
        "gases",
    ]
    search_fields = ["code", "building__code", "building__name", "description"]
    list_select_related = ["building__campus"]
    formfield_overrides = CHECKBOXES
    inlines = [AllocationInline]
    fieldsets = [
        (
            None,
            {"fields": ["building", "code", "floor", "kind", "area_m2", "lettable", "platform_stages", "description"]},
        ),
        (
            _("Laboratory"),
            {
                "fields": [
                    "biosafety_level",
                    "cleanroom_class",
                    "fume_hoods",
                    "has_cold_room",
                    "gases",
                    "power_notes",
                    "floor_load_notes",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        today = timezone.localdate()
        return super().get_queryset(request).with_free_area(today, today)

    @admin.display(description=_("campus"), ordering="building__campus__name")
    def campus(self, obj: Space) -> Campus:
        return obj.building.campus

    @admin.display(description=_("free today"), ordering="free_area_m2")
    def free_today(self, obj: Space):
        """The area (m²) not allocated today: a shared space may have some left."""
        return obj.free_area_m2


@admin.register(Allocation)
class AllocationAdmin(SpaceLabelSearchMixin, ExportMixin, SimpleHistoryAdmin):
    resource_classes = [AllocationResource]
    list_display = ["space", "company", "starts_on", "ends_on", "area_m2", "campus"]
    list_filter = [
        "space__building__campus",
        ("space__building", admin.RelatedOnlyFieldListFilter),
        "space__kind",
        ActiveOnFilter,
    ]
    search_fields = ["space__code", "space__building__code", "company__name", "notes"]
    list_select_related = ["space__building__campus", "company"]
    autocomplete_fields = ["space", "company"]
    date_hierarchy = "starts_on"
    fields = [
        "space",
        "company",
        "starts_on",
        "ends_on",
        "area_m2",
        "notes",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
    ]
    readonly_fields = ["created_by", "created_at", "updated_by", "updated_at"]

    @admin.display(description=_("campus"), ordering="space__building__campus__name")
    def campus(self, obj: Allocation) -> Campus:
        return obj.space.building.campus

    def save_model(self, request, obj, form, change) -> None:
        allocation_save(allocation=obj, actor=request.user)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # What higher apps add under the fields (the lease of this allocation): campus never imports them.
        context["allocation_panels"] = allocation_admin_panels_for(request, obj) if obj is not None else []
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
