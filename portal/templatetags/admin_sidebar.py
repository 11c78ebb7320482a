"""The admin's sidebar, made once per user's permissions, language and highlighted link (portal.admin_site)."""

from __future__ import annotations

from django import template

from portal.admin_site import nav_sidebar_html

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_sidebar(context) -> str:
    return nav_sidebar_html(context)
