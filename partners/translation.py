"""Partner names in English and Simplified Chinese (django-modeltranslation adds _en and _zh_hans)."""

from modeltranslation.translator import TranslationOptions, register

from common.translation import history_tracks_translations

from .models import Partner


@register(Partner)
class PartnerTranslation(TranslationOptions):
    # The English text is required where the field is; the Chinese one falls back to it.
    required_languages = {"en": ("name",)}
    fields = ("name",)


history_tracks_translations(Partner)
