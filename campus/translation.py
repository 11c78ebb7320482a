"""The campus's texts in English and Simplified Chinese (django-modeltranslation adds _en and _zh_hans)."""

from modeltranslation.translator import TranslationOptions, register

from common.translation import history_tracks_translations

from .models import Campus


@register(Campus)
class CampusTranslation(TranslationOptions):
    # The English text is required where the field is; the Chinese one falls back to it.
    required_languages = {"en": ("name", "city")}
    fields = ("name", "city", "district", "province", "mission", "co_builders")


history_tracks_translations(Campus)
