"""The admin lists of applications and companies at campus-network scale: companies, and one
campus's applications, read in the list's order from an index; the search words found in companies'
names, websites and descriptions and in contacts' names and e-mails through trigram indexes on PostgreSQL (``icontains``
compares ``UPPER(column)``, so the indexes are on that expression). SQLite has no trigram indexes:
there a search reads the rows, as before."""

from django.db import migrations, models

TRIGRAM_INDEXES = {
    "tenants_company_name_trgm": ("tenants_company", "name"),
    # The companies' own search (CompanyAdmin.search_fields): one index per column, OR-ed by the planner.
    "tenants_company_name_zh_trgm": ("tenants_company", "name_zh"),
    "tenants_company_website_trgm": ("tenants_company", "website"),
    "tenants_company_description_en_trgm": ("tenants_company", "description_en"),
    "tenants_company_description_zh_trgm": ("tenants_company", "description_zh_hans"),
    "tenants_contact_name_trgm": ("tenants_applicationcontact", "name"),
    "tenants_contact_email_trgm": ("tenants_applicationcontact", "email"),
}


def add_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Here rather than TrigramExtension(), whose undoing queries PostgreSQL's catalogue on any database.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("tenants", "0017_company_name_lookup_index")]

    operations = [
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["campus", "-submitted_at", "-created_at", "-id"], name="tenants_app_campus_order"
            ),
        ),
        migrations.AddIndex(
            model_name="company",
            index=models.Index(fields=["name", "-id"], name="tenants_company_list_order"),
        ),
        migrations.RunPython(add_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
