"""How the dashboard's tables show a figure: numbers grouped in the page's language, text as it is."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


@register.filter
def figure(value):
    """``12000.00`` as "12,000.00" (in English), a percentage's ``37.5`` as "37.5"; text unchanged."""
    if not is_number(value):
        return value
    return formats.number_format(value, use_l10n=True, force_grouping=True)
