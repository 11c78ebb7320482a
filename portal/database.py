"""What the portal sets on each new database connection (connected in ``apps.py``)."""

from __future__ import annotations

from django.conf import settings
from django.db.backends.signals import connection_created


def jit_off(sender, connection, **kwargs) -> None:
    """PostgreSQL's JIT off for the connection's session, unless DATABASE_JIT (settings say why).

    Sent on the driver's own connection, in autocommit: it is no SQL statement of any request or
    test (their counts stay what they were). Behind PgBouncer in transaction mode it would stay on
    whichever server connection ran it, so it is left to the role there (README, Deploying).
    """
    if connection.vendor != "postgresql" or settings.DATABASE_JIT or settings.DATABASE_TRANSACTION_POOLING:
        return
    connection.connection.execute("SET jit = off")


def connect() -> None:
    connection_created.connect(jit_off, dispatch_uid="portal.database.jit_off")
