# The idempotency-key table moves here from identity in the migration state only: the table,
# its rows, constraint and index stay as identity's 0002 made them.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("infrastructure", "0003_delivery_failures"),
        ("identity", "0002_idempotencyrecord"),
        ("tenancy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotencyRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("user_id", models.UUIDField()),
                        ("key", models.CharField(max_length=255)),
                        ("request_hash", models.CharField(max_length=64)),
                        (
                            "state",
                            models.CharField(
                                choices=[("in_progress", "in_progress"), ("done", "done")],
                                default="in_progress",
                                max_length=16,
                            ),
                        ),
                        (
                            "response_status",
                            models.PositiveSmallIntegerField(blank=True, null=True),
                        ),
                        ("response_body", models.BinaryField(blank=True, null=True)),
                        ("response_content_type", models.CharField(blank=True, max_length=255)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("completed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "tenant",
                            models.ForeignKey(
                                editable=False,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="tenancy.tenant",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "identity_idempotencyrecord",
                        "abstract": False,
                        "base_manager_name": "objects",
                        "default_manager_name": "objects",
                        "indexes": [
                            models.Index(
                                fields=["tenant", "created_at"], name="identity_idempotency_age"
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("tenant", "user_id", "key"), name="identity_idempotency_key"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
