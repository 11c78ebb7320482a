"""Which language a translated text is shown in, for the ``lang`` attribute around it.

A field translated with django-modeltranslation reads in the page's language and falls back to
the other one when that is empty; screen readers and fonts need to know which one they got.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from modeltranslation.settings import FALLBACK_LANGUAGES
from modeltranslation.utils import build_localized_fieldname, get_language, resolution_order
from rest_framework import serializers

HTML_LANG = {"en": "en", "zh-hans": "zh-Hans"}


def shown_language(obj: models.Model, field_name: str) -> str:
    """The HTML ``lang`` of the value ``obj.<field_name>`` reads as now ("en", "zh-Hans")."""
    current = get_language()
    for language in resolution_order(current, FALLBACK_LANGUAGES):
        if getattr(obj, build_localized_fieldname(field_name, language), None):
            return HTML_LANG.get(language, language)
    return HTML_LANG.get(current, current)


class TextIn(serializers.CharField):
    """One language of a translated text (``name_en``, ``name_zh_hans``): "" where it has none, never null.

    The API's keys stay as they were when the texts were pairs of columns: ``name`` is the English
    text, ``name_zh`` the Chinese one, whatever language the request asked for.
    """

    def __init__(self, source: str, max_length: int | None = None):
        super().__init__(source=source, max_length=max_length, read_only=True, allow_blank=True)

    def get_attribute(self, instance):
        return super().get_attribute(instance) or ""


def translation_history_base(module: str, **fields: models.Field) -> type[models.Model]:
    """An abstract base for a model's audit history (``HistoricalRecords(bases=[...])``) with a
    column per language of each translated field, so the history records both languages.

    django-simple-history copies a model's fields when the model class is made, before
    django-modeltranslation adds the _en and _zh_hans ones; it writes every field of the instance
    when it records a change, so the history model must have them.
    """
    attrs: dict = {"__module__": module, "Meta": type("Meta", (), {"abstract": True})}
    for name, field in fields.items():
        for language, _label in settings.LANGUAGES:
            _name, _path, args, kwargs = field.deconstruct()
            attrs[build_localized_fieldname(name, language)] = type(field)(*args, **{**kwargs, "null": True})
    return type("TranslationHistory", (models.Model,), attrs)


def history_tracks_translations(model: type[models.Model]) -> None:
    """Let the audit history compare (and the admin's history page show) each language's column of
    the model's translated fields, which ``translation_history_base`` gave its history model."""
    history_model = model.history.model
    known = {field.name for field in history_model.tracked_fields}
    translated = [
        field for field in model._meta.fields if field.name not in known and hasattr(field, "translated_field")
    ]
    history_model.tracked_fields = [*history_model.tracked_fields, *translated]
