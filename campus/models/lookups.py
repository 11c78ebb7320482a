"""Fixed vocabularies kept as rows (platform stages, business areas, gases), and the page language."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..choices import (
    BusinessAreas,
    Gases,
    PlatformStages,
)


def chinese_requested() -> bool:
    return (get_language() or "").lower().startswith("zh")


class ChoiceLookup(models.Model):
    """One row per value of a fixed vocabulary, so many-to-many fields can be joined and filtered.

    The rows are created from the choices after every migrate (``sync_lookups``); the label
    shown to users is the translated choice label.
    """

    choices_class: type[models.TextChoices]

    position = models.PositiveSmallIntegerField(_("position"), default=0, editable=False)

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self) -> str:
        try:
            return str(self.choices_class(self.code).label)
        except ValueError:
            return self.code


class PlatformStage(ChoiceLookup):
    choices_class = PlatformStages
    code = models.CharField(_("code"), max_length=40, unique=True, choices=PlatformStages.choices)

    class Meta(ChoiceLookup.Meta):
        verbose_name = _("platform stage")
        verbose_name_plural = _("platform stages")


class BusinessArea(ChoiceLookup):
    choices_class = BusinessAreas
    code = models.CharField(_("code"), max_length=40, unique=True, choices=BusinessAreas.choices)

    class Meta(ChoiceLookup.Meta):
        verbose_name = _("business area")
        verbose_name_plural = _("business areas")


class Gas(ChoiceLookup):
    choices_class = Gases
    code = models.CharField(_("code"), max_length=40, unique=True, choices=Gases.choices)

    class Meta(ChoiceLookup.Meta):
        verbose_name = _("gas supply")
        verbose_name_plural = _("gas supplies")


def sync_lookups(sender, using: str = "default", apps=None, **kwargs) -> None:
    """Give every choice of the sending app's lookup models its row, in declared order.

    Connected to ``post_migrate`` by each app that has lookups, so the rows come back after
    every migrate and every test-database flush, like content types.
    """
    for model in sender.get_models():
        if not issubclass(model, ChoiceLookup):
            continue
        if apps is not None:
            try:
                apps.get_model(model._meta.app_label, model._meta.model_name)
            except LookupError:  # migrated only part of the way
                continue
        for position, code in enumerate(model.choices_class.values):
            model.objects.using(using).update_or_create(code=code, defaults={"position": position})
