"""Event-sourced orders: a schema version and a per-tenant position on every stored event."""

import django.db.models.deletion
from django.db import migrations, models

CHUNK = 1000


def number_events(apps, schema_editor):
    """Give the stored events of each tenant positions 1, 2, 3 ... in the order they happened."""
    alias = schema_editor.connection.alias
    events = apps.get_model("ordering", "OrderEvent")
    heads = apps.get_model("ordering", "OrderStreamHead")
    rows = events.objects.using(alias).order_by("tenant_id", "occurred_at", "order_id", "version")
    last: dict = {}
    batch = []
    for event in rows.only("id", "tenant_id").iterator(chunk_size=CHUNK):
        event.position = last[event.tenant_id] = last.get(event.tenant_id, 0) + 1
        batch.append(event)
        if len(batch) == CHUNK:
            events.objects.using(alias).bulk_update(batch, ["position"])
            batch = []
    events.objects.using(alias).bulk_update(batch, ["position"])
    heads.objects.using(alias).bulk_create(
        heads(tenant_id=tenant, position=position) for tenant, position in last.items()
    )


class Migration(migrations.Migration):

    dependencies = [
        ("ordering", "0002_order_status_refunded"),
        ("tenancy", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="orderevent",
            name="schema_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="orderevent",
            name="position",
            field=models.BigIntegerField(null=True),
        ),
        migrations.CreateModel(
            name="OrderStreamHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.BigIntegerField(default=0)),
                ("tenant", models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="tenancy.tenant")),
            ],
            options={
                "abstract": False,
                "base_manager_name": "objects",
                "default_manager_name": "objects",
                "constraints": [models.UniqueConstraint(fields=("tenant",), name="ordering_stream_head")],
            },
        ),
        migrations.RunPython(number_events, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="orderevent",
            name="position",
            field=models.BigIntegerField(),
        ),
        migrations.AddConstraint(
            model_name="orderevent",
            constraint=models.UniqueConstraint(fields=("tenant", "position"), name="ordering_event_position"),
        ),
    ]
