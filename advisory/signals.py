"""Hook points of the advisory app: questions it asks higher apps while serving its pages.

Connected in the higher app's ``AppConfig.ready()`` with a ``dispatch_uid``, as the tenants hook
points are (ARCHITECTURE.md, "Plugging a higher app into a lower one"). With nothing connected
the pages show the committee's own sections only.
"""

from __future__ import annotations

from django.dispatch import Signal

dashboard_panels = Signal()
"""Sections a higher app adds to a member's reviewer area (/advisory/), after the committee's own.

``receiver(sender=AdvisoryMember, *, request, member) -> str``: the section's HTML (already
escaped, e.g. from ``render_to_string``), or "" when it has nothing for this member.
"""


def dashboard_panels_for(request, member) -> list[str]:
    answers = dashboard_panels.send(sender=type(member), request=request, member=member)
    return [html for _receiver, html in answers if html]
