"""Filters of the public resident directory (django-filter)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campus.models import BusinessArea

from .models import Company, FocusArea
from .selectors import directory_countries


class ResidentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    country = django_filters.ChoiceFilter(label=_("Country or region"), choices=[], empty_label=_("All"))
    business_area = django_filters.ModelChoiceFilter(
        label=_("Business area"), field_name="business_areas", queryset=BusinessArea.objects.all(), empty_label=_("All")
    )
    focus_area = django_filters.ModelChoiceFilter(
        label=_("Focus area"), field_name="focus_areas", queryset=FocusArea.objects.all(), empty_label=_("All")
    )

    class Meta:
        model = Company
        fields = ["q", "country", "business_area", "focus_area"]

    def __init__(self, *args, version: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["country"].extra["choices"] = directory_countries(version)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(description_en__icontains=value) | Q(description_zh_hans__icontains=value)
        )
