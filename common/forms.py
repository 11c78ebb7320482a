"""How every form field reads to a person: set once, for all forms, through ``FORM_RENDERER``.

A label starts with a capital and has no suffix (Django's ":", in Chinese "："): the page's
styling separates a label from its field. A list whose empty choice Django draws as
"---------" opens on a prompt instead. The error summary at the top of a form (the overridden
``templates/django/forms/div.html``) links each error to its field through ``error_anchor``.
"""

from __future__ import annotations

import copy

from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms import Select, SelectMultiple
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.choices import BaseChoiceIterator
from django.utils.text import capfirst
from django.utils.translation import pgettext_lazy

DASHES = BLANK_CHOICE_DASH[0][1]
PROMPT = pgettext_lazy("the first, empty option of a list", "Choose…")


class _Prompted(BaseChoiceIterator):
    """A widget's choices with Django's "---------" read as ``PROMPT``; lazy, like the choices it wraps."""

    def __init__(self, choices):
        self.choices = choices

    def __iter__(self):
        for value, label in self.choices:
            yield (value, PROMPT) if value == "" and label == DASHES else (value, label)


class PersonBoundField(BoundField):
    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        self.label = capfirst(self.label)

    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        suffix = "" if label_suffix is None else label_suffix
        return super().label_tag(contents, attrs, label_suffix=suffix, tag=tag)

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        widget = widget or self.field.widget
        if isinstance(widget, Select) and not isinstance(widget, SelectMultiple):
            widget = copy.copy(widget)
            widget.choices = _Prompted(widget.choices)
        return super().as_widget(widget, attrs, only_initial)

    @property
    def error_anchor(self) -> str:
        """The id an error summary links to: the input, or the first option of a group of them."""
        if not self.auto_id:
            return ""
        if self.use_fieldset:
            return self.field.widget.id_for_label(self.auto_id, 0) or self.auto_id
        return self.id_for_label or self.auto_id


class PortalFormRenderer(TemplatesSetting):
    """Django's renderer reading the project's templates, so ``templates/django/forms/`` overrides Django's."""

    bound_field_class = PersonBoundField
