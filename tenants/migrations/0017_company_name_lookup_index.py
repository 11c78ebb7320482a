import django.db.models.functions.text
from django.db import migrations, models


def analyze_companies(apps, schema_editor):
    """Gather the new index's statistics now: until then PostgreSQL guesses 500 companies per name
    and keeps scanning every application of the campus instead of using the index."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE tenants_company")


class Migration(migrations.Migration):
    dependencies = [
        ("campus", "0010_campus_texts_in_english_and_chinese"),
        ("tenants", "0016_dashboard_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="company",
            index=models.Index(django.db.models.functions.text.Upper("name"), name="tenants_company_upper_name"),
        ),
        migrations.RunPython(analyze_companies, migrations.RunPython.noop, elidable=True),
    ]
