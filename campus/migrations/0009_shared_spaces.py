"""Spaces shared by several companies, and spaces that are never let.

The exclusion constraint of migration 0003 refused any two allocations of one space sharing a day.
Now a space may be shared while the areas allocated on each day add up to no more than its area,
and one company holds one allocation of a space at a time. On PostgreSQL a trigger enforces this
for every writer: it locks the space's row, so writers of one space take turns and each sees what
the one before committed, then compares the largest daily total over the new period with the
space's area. Its error names ``campus_allocation_space_full``, which the allocation service turns
into a message naming who is there. SQLite serialises writers with its write lock, and
``Allocation.clean()`` holds the rule there.
"""

from django.db import migrations, models

CONSTRAINT = "campus_allocation_no_overlap"
TRIGGER = "campus_allocation_fits"
ERROR = "campus_allocation_space_full"

# The function TRIGGER raising ERROR, both named in full. The total allocated only grows on a day an
# allocation starts: the days compared are the new allocation's first day and the first days of the
# others within its period.
CREATE_TRIGGER = """
CREATE FUNCTION campus_allocation_fits() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    space_area numeric;
    peak numeric;
    peak_day date;
BEGIN
    SELECT area_m2 INTO space_area FROM campus_space WHERE id = NEW.space_id FOR UPDATE;
    IF EXISTS (
        SELECT 1 FROM campus_allocation other
        WHERE other.space_id = NEW.space_id AND other.company_id = NEW.company_id
          AND other.id IS DISTINCT FROM NEW.id
          AND daterange(other.starts_on, other.ends_on, '[]') && daterange(NEW.starts_on, NEW.ends_on, '[]')
    ) THEN
        RAISE EXCEPTION USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'campus_allocation_space_full',
            MESSAGE = format('campus_allocation_space_full: company %s already has space %s then', NEW.company_id, NEW.space_id);
    END IF;
    SELECT day.on_day, NEW.area_m2 + COALESCE(SUM(other.area_m2), 0) INTO peak_day, peak
    FROM (
        SELECT NEW.starts_on AS on_day
        UNION
        SELECT later.starts_on FROM campus_allocation later
        WHERE later.space_id = NEW.space_id AND later.id IS DISTINCT FROM NEW.id
          AND later.starts_on > NEW.starts_on AND (NEW.ends_on IS NULL OR later.starts_on <= NEW.ends_on)
    ) day
    LEFT JOIN campus_allocation other
        ON other.space_id = NEW.space_id AND other.id IS DISTINCT FROM NEW.id
       AND other.starts_on <= day.on_day AND (other.ends_on IS NULL OR other.ends_on >= day.on_day)
    GROUP BY day.on_day
    ORDER BY 2 DESC
    LIMIT 1;
    IF peak > space_area THEN
        RAISE EXCEPTION USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'campus_allocation_space_full',
            MESSAGE = format('campus_allocation_space_full: %s m² of space %s allocated on %s, more than its %s m²',
                             peak, NEW.space_id, peak_day, space_area);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER campus_allocation_fits BEFORE INSERT OR UPDATE OF space_id, company_id, starts_on, ends_on, area_m2
    ON campus_allocation FOR EACH ROW EXECUTE FUNCTION campus_allocation_fits();
"""


def share_spaces(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE campus_allocation DROP CONSTRAINT IF EXISTS {CONSTRAINT}")
    schema_editor.execute(CREATE_TRIGGER, params=None)  # its format() placeholders are not parameters


def stop_sharing(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON campus_allocation")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}()")
    schema_editor.execute(
        f"ALTER TABLE campus_allocation ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (space_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&)"
    )


class Migration(migrations.Migration):
    dependencies = [("campus", "0008_time_zone")]

    operations = [
        migrations.AddField(
            model_name="space",
            name="lettable",
            field=models.BooleanField(
                default=True,
                help_text="Untick for areas that are never let to a company: shared facilities, technical rooms.",
                verbose_name="lettable",
            ),
        ),
        migrations.AddField(
            model_name="historicalspace",
            name="lettable",
            field=models.BooleanField(
                default=True,
                help_text="Untick for areas that are never let to a company: shared facilities, technical rooms.",
                verbose_name="lettable",
            ),
        ),
        migrations.RunPython(share_spaces, stop_sharing, elidable=False),
    ]
