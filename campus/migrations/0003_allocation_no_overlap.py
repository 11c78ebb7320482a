"""On PostgreSQL, let the database itself refuse two allocations of one space sharing a day.

``ends_on`` is the last day of an allocation (inclusive), so the range is ``[starts_on, ends_on]``;
PostgreSQL normalises it to ``[starts_on, ends_on + 1)``, so back-to-back allocations are allowed.
SQLite has no exclusion constraints: there the allocation service's IMMEDIATE transaction
serialises writers and ``Allocation.clean()`` refuses the overlap.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINT = "campus_allocation_no_overlap"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE campus_allocation ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (space_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&)"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE campus_allocation DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("campus", "0002_initial")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_constraint, drop_constraint, elidable=False),
    ]
