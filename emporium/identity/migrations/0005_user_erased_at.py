"""Accounts record when they were erased; those erased before this column get the migration's
time (their e-mail is ``erased-<id>@erased.invalid``, which only erasure writes)."""

from typing import Any

from django.db import migrations, models
from django.utils import timezone


def mark_erased(apps: Any, schema_editor: Any) -> None:
    User = apps.get_model("identity", "User")
    erased = User.objects.using(schema_editor.connection.alias).filter(
        email__startswith="erased-", email__endswith="@erased.invalid", erased_at__isnull=True
    )
    erased.update(erased_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0004_audit_trail"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="erased_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(mark_erased, migrations.RunPython.noop),
    ]
