"""How the dashboard's tables and charts show a figure: numbers grouped in the page's language, text
as it is.

A section may have hundreds of rows (a campus's buildings, its partners), so the rows of a table
and the bars of a chart are written here in one pass rather than by a template loop per cell:
the same markup, escaped as the template would, at a fraction of the cost.
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.template.base import render_value_in_context
from django.utils import formats, numberformat
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language

register = template.Library()

#: Characters of a category's name shown beside its bars (the table under the chart has it whole).
LABEL_CHARS = 48
#: What ``formats.number_format`` reads for each number, in this order.
SEPARATORS = ("DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR")


@register.filter
def is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


@register.filter
def figure(value):
    """``12000.00`` as "12,000.00" (in English), a percentage's ``37.5`` as "37.5"; text unchanged."""
    if not is_number(value):
        return value
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def _grouped():
    """``figure`` for numbers, with the page language's separators looked up once (a table may
    have thousands of figures)."""
    language = get_language()
    separators = [formats.get_format(name, language, use_l10n=True) for name in SEPARATORS]
    return lambda value: numberformat.format(
        value, separators[0], None, separators[1], separators[2], force_grouping=True, use_l10n=True
    )


def _cell(value, context, grouped) -> str:
    """A figure's cell: numbers right-aligned and grouped, "—" for no figure."""
    if is_number(value):
        return f'<td class="number">{render_value_in_context(grouped(value), context)}</td>'
    return f"<td>{render_value_in_context('—' if value is None else value, context)}</td>"


@register.simple_tag(takes_context=True)
def table_rows(context, rows) -> SafeString:
    """The ``<tr>`` of each row: the first cell heads the row, the others are figures."""
    grouped = _grouped()
    html = []
    for row in rows:
        cells = [f'<th scope="row">{render_value_in_context(row[0], context)}</th>'] if row else []
        cells += [_cell(value, context, grouped) for value in row[1:]]
        html.append(f"<tr>{''.join(cells)}</tr>")
    # Every value was escaped above, as the template would (render_value_in_context).
    return mark_safe("".join(html))  # noqa: S308


@register.simple_tag
def chart_groups(groups) -> SafeString:
    """The SVG of a chart's categories (``Chart.drawing()["groups"]``): each name, then its bars
    with their values."""
    html = []
    for group in groups:
        label = Truncator(group["label"]).chars(LABEL_CHARS)
        # A label that is safe already stays so, as with the template's truncatechars.
        label = mark_safe(label) if isinstance(group["label"], SafeData) else conditional_escape(label)  # noqa: S308
        html.append(f'\n      <text x="0" y="{group["y"]}" class="category">{label}</text>\n      ')
        for bar in group["bars"]:
            width, css, text = bar["width"], conditional_escape(bar["css"]), conditional_escape(bar["text"])
            html.append(
                f'\n        <rect x="0" y="{bar["y"]}" width="{width}%" height="14" class="{css}"></rect>'
                f'\n        <text x="{width}%" dx="4" y="{bar["text_y"]}" class="value">{text}</text>\n      '
            )
        html.append("\n    ")
    # Every text was escaped above (conditional_escape); the numbers are ours.
    return mark_safe("".join(html))  # noqa: S308
