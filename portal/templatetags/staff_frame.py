"""What the staff pages' frame needs to know about the person looking at it."""

from __future__ import annotations

from django import template

from common.staff import is_staff_session

register = template.Library()


@register.simple_tag
def staff_session(user) -> bool:
    """Whether the staff navigation may show: a staff account past the second factor it owes."""
    return is_staff_session(user)
