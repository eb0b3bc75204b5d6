# The idempotency-key table now belongs to infrastructure (its 0004): identity forgets the model
# in the migration state only; the table and its rows stay.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0002_idempotencyrecord"),
        ("infrastructure", "0004_idempotencyrecord"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyRecord")],
            database_operations=[],
        ),
    ]
