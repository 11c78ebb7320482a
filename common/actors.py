"""Who did it: every service names the person acting ``actor``, and records it the same way.

``actor`` is the User who acted (a staff member, a committee member), or, for a person without an
account (an applicant following an e-mailed link), the e-mail address they act from, as a string.
``None`` or ``""`` means no one is known: a scheduled job, the portal itself.

A row with a user column and an address column stores ``actor_user(actor)`` in the first and
``actor_email(actor)`` in the second (filled only for someone without an account); a row with one
text column for who did it stores ``actor_label(actor)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

Actor: TypeAlias = "AbstractBaseUser | str | None"


def actor_user(actor: Actor) -> AbstractBaseUser | None:
    """The actor's account; None for someone without one, or no one."""
    return None if actor is None or isinstance(actor, str) else actor


def actor_email(actor: Actor) -> str:
    """The address of an actor without an account; "" for a user (the user column names them)."""
    return actor if isinstance(actor, str) else ""


def actor_label(actor: Actor) -> str:
    """The actor in one line: the address of someone without an account, else the user's e-mail or user name."""
    user = actor_user(actor)
    if user is None:
        return actor_email(actor)
    return getattr(user, "email", "") or user.get_username()
