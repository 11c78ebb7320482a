"""Hook points of the campus app: questions it asks higher apps while serving its pages.

Connected in the higher app's ``AppConfig.ready()`` with a ``dispatch_uid``, as the tenants and
advisory hook points are (ARCHITECTURE.md, "Plugging a higher app into a lower one"). With nothing
connected the admin shows campus's own fields only.
"""

from __future__ import annotations

from django.dispatch import Signal

allocation_admin_panels = Signal()
"""Sections a higher app adds to an allocation's change page in the admin, under its fields.

``receiver(sender=Allocation, *, request, allocation) -> str``: the section's HTML (already
escaped, e.g. from ``render_to_string``), or "" when it has nothing to show this user.
"""


def allocation_admin_panels_for(request, allocation) -> list[str]:
    answers = allocation_admin_panels.send(sender=type(allocation), request=request, allocation=allocation)
    return [html for _receiver, html in answers if html]
