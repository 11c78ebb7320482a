"""``{{ campus|lang_of:"mission" }}``: the ``lang`` of a translated text as it is shown."""

from django import template

from common.translation import shown_language

register = template.Library()


@register.filter
def lang_of(obj, field_name: str) -> str:
    return shown_language(obj, field_name)
