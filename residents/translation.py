"""Stage milestones in English and Simplified Chinese (django-modeltranslation adds _en and _zh_hans)."""

from modeltranslation.translator import TranslationOptions, register

from .models import StageMilestone


@register(StageMilestone)
class StageMilestoneTranslation(TranslationOptions):
    # The English text is required where the field is; the Chinese one falls back to it.
    required_languages = {"en": ("title",)}
    fields = ("title", "description")
