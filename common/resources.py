"""Columns of the admin's spreadsheets (django-import-export) as people read them.

A choice is written as its label and a country as its name, in the language of the person
exporting ("United Kingdom" or "英国", "Resident" or its Chinese), never as the code stored.
A file read back in may give the code, as files always could, or the label in either language.
Text a spreadsheet would run as a formula (a company name such as ``=HYPERLINK(...)``, typed on the
public apply form) is written with a leading ``'``, as every other download does
(``common.spreadsheets``), and read back without it.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.encoding import force_str
from django_countries import countries
from django_countries.fields import CountryField
from import_export import resources
from import_export.widgets import NumberWidget, Widget

from common.spreadsheets import formula_safe, formula_unescaped


def _text(value) -> str:
    return force_str(value).strip() if value is not None else ""


class ChoiceLabelWidget(Widget):
    """A value of ``choices`` (pairs of code and label): its label out, its code or label in."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = list(choices)

    def render(self, value, obj=None, **kwargs) -> str:
        if value is None or value == "":
            return ""
        return force_str(dict(self.choices).get(value, value))

    def clean(self, value, row=None, **kwargs):
        """The code of a code or of a label in any of the site's languages; other text as it is, for the
        model's validation to refuse."""
        text = _text(value)
        return self._codes().get(text.casefold(), text)

    def _codes(self) -> dict:
        codes = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                codes.update({force_str(label).casefold(): code for code, label in self.choices})
        codes.update({force_str(code).casefold(): code for code, _label in self.choices})
        return codes


class CountryWidget(Widget):
    """A country: its name out, its code or name (in any of the site's languages) in."""

    def render(self, value, obj=None, **kwargs) -> str:
        code = getattr(value, "code", value)
        return force_str(countries.name(code)) if code else ""

    def clean(self, value, row=None, **kwargs) -> str:
        text = _text(value)
        if not text or text.upper() in dict(countries):
            return text.upper()
        for language, _name in settings.LANGUAGES:
            if code := countries.by_name(text, language=language):
                return code
        return text


class LabelledModelResource(resources.ModelResource):
    """A ModelResource whose columns of a field with choices, or of a country, read as labels, and
    whose text never runs as a formula."""

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if isinstance(value, str) and not isinstance(field.widget, NumberWidget):  # "-1" m² stays a number
            return formula_safe(value)
        return value

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        for column, value in row.items():
            if isinstance(value, str):
                row[column] = formula_unescaped(value)

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        field = super().field_from_django_field(field_name, django_field, readonly)
        if isinstance(django_field, CountryField):
            field.widget = CountryWidget()
        elif django_field.choices:
            field.widget = ChoiceLabelWidget(django_field.flatchoices)
        return field
