"""Reference endpoints the harness measures the product against, in the same run.

``hello`` is the cheapest Django JSON response; ``raw`` returns the same resident companies as
``/api/v1/companies/`` (same page, same order, same columns, area codes included) straight from ``QuerySet.values()``
with ``JsonResponse``: no authentication, no serializer, no pagination object.
"""

from django.http import JsonResponse

from tenants.selectors import DIRECTORY_FIELDS, directory_companies

# The same columns as the partner API's company list reads.
FIELDS = DIRECTORY_FIELDS


def hello(request):
    return JsonResponse({"hello": "world"})


def raw(request):
    size = min(int(request.GET.get("page_size", 50)), 200)
    rows = list(directory_companies().order_by("-pk").values(*FIELDS)[:size])
    return JsonResponse({"results": rows})
