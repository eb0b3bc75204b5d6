# The complete audit trail (ADR 0021): entries keep the account id, never the e-mail (an e-mail
# naming no account becomes its keyed hash), gain the user agent, take the API's type names,
# and on PostgreSQL a trigger refuses UPDATE and DELETE outside the three named exceptions.

from typing import Any

from django.conf import settings
from django.db import migrations, models
from django.utils.crypto import salted_hmac

RENAMED = {"sign_in": "sign_in_succeeded"}

IMMUTABLE = """
CREATE OR REPLACE FUNCTION identity_auditevent_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    purpose text := coalesce(current_setting('emporium.audit_maintenance', true), '');
BEGIN
    IF TG_OP = 'DELETE' AND purpose IN ('retention', 'offboarding') THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND purpose = 'erasure' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'audit entries are immutable: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege',
              HINT = 'only retention, erasure and offboarding change them (ADR 0021)';
END
$$;
DROP TRIGGER IF EXISTS identity_auditevent_immutable ON identity_auditevent;
CREATE TRIGGER identity_auditevent_immutable
    BEFORE UPDATE OR DELETE ON identity_auditevent
    FOR EACH ROW EXECUTE FUNCTION identity_auditevent_immutable();
"""

MUTABLE = """
DROP TRIGGER IF EXISTS identity_auditevent_immutable ON identity_auditevent;
DROP FUNCTION IF EXISTS identity_auditevent_immutable();
"""


def email_hash(email: str) -> str:
    # As emporium.identity.adapters.audit.email_hash does today.
    return salted_hmac(
        "emporium.identity.audit.email",
        email.strip().lower(),
        secret=getattr(settings, "EMPORIUM_AUDIT_HASH_KEY", "") or settings.SECRET_KEY,
        algorithm="sha256",
    ).hexdigest()


def forget_emails(apps: Any, schema_editor: Any) -> None:
    """Hash the e-mails of entries that name no account, rename types, drop e-mails in details."""
    AuditEvent = apps.get_model("identity", "AuditEvent")
    for row in AuditEvent.objects.using(schema_editor.connection.alias).iterator():
        row.event = RENAMED.get(row.event, row.event)
        row.email_hash = email_hash(row.email) if row.email and row.user_id is None else ""
        row.detail = {k: v for k, v in (row.detail or {}).items() if "email" not in k}
        row.save(update_fields=["event", "email_hash", "detail"])


def install_trigger(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(IMMUTABLE)


def remove_trigger(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(MUTABLE)


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0003_move_idempotencyrecord"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="email_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="user_agent",
            field=models.CharField(blank=True, max_length=512),
        ),
        migrations.RunPython(forget_emails, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="auditevent",
            name="email",
        ),
        migrations.RunPython(install_trigger, remove_trigger),
    ]
