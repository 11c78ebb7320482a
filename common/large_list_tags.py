"""``{% large_result_list cl %}`` and ``{% large_list_filter cl spec %}``: Django's ``{% result_list %}`` and
``{% admin_list_filter %}``, with the rows and filters of a long list written in Python (same HTML).

The table's template is Django's (``admin/change_list_results.html``, or a model's own, found as Django
finds it); only its rows come from ``common.admin_rows``, where the list allows it.
"""

from __future__ import annotations

from django import template
from django.contrib.admin.templatetags.admin_list import result_headers, result_hidden_fields, result_list
from django.contrib.admin.templatetags.base import InclusionAdminNode

from common.admin_filters import large_list_filter

register = template.Library()


def large_result_list(cl) -> dict:
    rows = cl.result_rows() if hasattr(cl, "result_rows") else None
    if rows is None:
        return result_list(cl)
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        "results": rows,
    }


@register.tag(name="large_result_list")
def large_result_list_tag(parser, token):
    return InclusionAdminNode(
        parser, token, func=large_result_list, template_name="change_list_results.html", takes_context=False
    )


register.simple_tag(large_list_filter, name="large_list_filter")
