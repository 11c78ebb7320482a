"""Hook points: where a higher app (advisory, partners) adds to what tenants shows or decides.

Each hook point is a Django signal, like the domain events in ``signals.py``: a higher app
connects a receiver in its ``AppConfig.ready()`` (with a ``dispatch_uid``), tenants never
imports it. Where an event announces something and ignores the answers, a hook asks a question:
tenants calls the function below, which sends the signal with ``Signal.send`` and combines the
receivers' answers. With no receiver connected each function gives tenants' own answer (no
one else may download, no comments, no panels, no reviews, no extra actions, no links).

``send`` (not ``send_robust``): a receiver that fails fails the page or the decision rather
than being skipped, so a broken permission check never reads as "no" and a broken review
counter never lets a decision through unseen.

Every receiver is called as ``receiver(sender, **arguments)`` and must accept ``**kwargs``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.dispatch import Signal

download_permission = Signal()
"""May ``user`` (signed in, not campus staff) download ``document``, an ApplicationDocument?

``receiver(sender=ApplicationDocument, *, user, document) -> bool``; one True is enough.
"""

shared_comments = Signal()
"""Comments staff chose to share with the applicant, shown on the status page.

``receiver(sender=Application, *, application) -> list[str]``; all lists are shown, in turn.
"""

status_panels = Signal()
"""Sections a higher app adds to the applicant's status page, under the status.

``receiver(sender=Application, *, request, application) -> str``: the section's HTML (already
escaped, e.g. from ``render_to_string``), or "" when it has nothing to show.
"""

review_counter = Signal()
"""How many completed reviews ``application`` has, for the decision rule (``rules.reviews_missing``).

``receiver(sender=Application, *, application) -> int``; the answers are added up.
"""

application_admin_actions = Signal()
"""Actions a higher app adds to the list of applications in the admin.

``receiver(sender=ApplicationAdmin, *, request) -> list[callable]``: admin actions
(``@admin.action`` functions); their ``permissions`` are checked as for the admin's own.
"""

matching_space_actions = Signal()
"""Links a higher app offers next to a space that matches an application, in its admin page.

``receiver(sender=Application, *, request, application, space) -> str``: the link's HTML (already
escaped, e.g. from ``format_html``), or "" when this user may not act on it.
"""


def _answers(signal: Signal, sender: Any, **arguments: Any) -> list[Any]:
    return [answer for _receiver, answer in signal.send(sender=sender, **arguments)]


def download_permitted(user, document) -> bool:
    """Whether any plug-in lets ``user`` download ``document``; False when none is connected."""
    return any(_answers(download_permission, type(document), user=user, document=document))


def comments_shared(application) -> list[str]:
    answers = _answers(shared_comments, type(application), application=application)
    return [comment for comments in answers for comment in comments]


def panels_for(request, application) -> list[str]:
    answers = _answers(status_panels, type(application), request=request, application=application)
    return [html for html in answers if html]


def reviews_completed(application) -> int:
    return sum(_answers(review_counter, type(application), application=application))


def admin_actions_for(model_admin, request) -> list[Callable]:
    answers = _answers(application_admin_actions, type(model_admin), request=request)
    return [action for actions in answers for action in actions]


def space_actions_for(request, application, space) -> list[str]:
    answers = _answers(matching_space_actions, type(application), request=request, application=application, space=space)
    return [html for html in answers if html]
