from django.db import migrations
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce


def date_past_withdrawals(apps, schema_editor):
    """Withdrawals made before they set decided_at: the retention period counts from the withdrawal.

    An application withdrawn without a recorded transition (none are known) takes its last change,
    which is no earlier than the withdrawal: its data is kept a little longer, never erased early.
    """
    Application = apps.get_model("tenants", "Application")
    ApplicationTransition = apps.get_model("tenants", "ApplicationTransition")
    withdrawn_at = (
        ApplicationTransition.objects.filter(application=OuterRef("pk"), to_status="withdrawn")
        .order_by("created_at")
        .values("created_at")[:1]
    )
    Application.objects.filter(status="withdrawn", decided_at=None).update(
        decided_at=Coalesce(Subquery(withdrawn_at), F("updated_at"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0009_domain_event_outbox_and_email_claims"),
    ]

    operations = [
        migrations.RunPython(date_past_withdrawals, migrations.RunPython.noop, elidable=True),
    ]
