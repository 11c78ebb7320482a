"""Intake batches and company descriptions in English and Simplified Chinese (django-modeltranslation).

A company's name is not translated: it is the name it trades under, and its Chinese name, when it
has one, is a name of its own (``Company.name_zh``), not a translation of the English one.
"""

from modeltranslation.translator import TranslationOptions, register

from common.translation import history_tracks_translations

from .models import Company, IntakeBatch


@register(IntakeBatch)
class IntakeBatchTranslation(TranslationOptions):
    fields = ("name", "signed_at")
    required_languages = {"en": ("name",)}
    # A batch's name is unique in its campus in each language; a missing Chinese name is NULL, not
    # "", so that batches without one do not collide.
    empty_values = {"name": None}


@register(Company)
class CompanyTranslation(TranslationOptions):
    fields = ("description",)


history_tracks_translations(Company)
