"""Personal data in identity's tables and in the third-party tables identity runs (sign-in
lockouts, the back office's log and sessions)."""

from __future__ import annotations

from emporium.shared_kernel.personal_data import (
    Erasure,
    Export,
    NotPersonal,
    PersonalDataDeclaration,
    PersonalField,
)

_ACCOUNT_ROWS = "the account's own row"
_AUDIT_ROWS = "entries of the account (user_id) and failed sign-ins for its e-mail (email_hash)"
_LOCKOUT_ROWS = "rows of the lockout key '<shop slug>:<e-mail>'"

DECLARATION = PersonalDataDeclaration(
    context="identity",
    fields=(
        PersonalField(
            "identity.User",
            "email",
            holds=("e-mail",),
            erasure=Erasure.REPLACE,  # erased-<account id>@erased.invalid: unique, names no one
            export=Export.INCLUDED,
            rows=_ACCOUNT_ROWS,
        ),
        PersonalField(
            "identity.User",
            "name",
            holds=("name",),
            erasure=Erasure.BLANK,
            export=Export.INCLUDED,
            rows=_ACCOUNT_ROWS,
        ),
        PersonalField(
            "identity.User",
            "last_login",
            holds=("activity",),  # when the person last signed in
            erasure=Erasure.BLANK,
            export=Export.INCLUDED,
            rows=_ACCOUNT_ROWS,
        ),
        PersonalField(
            "identity.AuditEvent",
            "email_hash",
            holds=("e-mail",),
            erasure=Erasure.BLANK,
            export=Export.OMITTED,  # a keyed hash: the person could not read it
            rows=_AUDIT_ROWS,
        ),
        PersonalField(
            "identity.AuditEvent",
            "ip_address",
            holds=("ip",),
            erasure=Erasure.BLANK,
            export=Export.INCLUDED,
            rows=_AUDIT_ROWS,
        ),
        PersonalField(
            "identity.AuditEvent",
            "user_agent",
            holds=("user-agent",),
            erasure=Erasure.BLANK,
            export=Export.INCLUDED,
            rows=_AUDIT_ROWS,
        ),
        *(
            PersonalField(
                f"axes.{model}",
                field,
                holds=holds,
                erasure=Erasure.DELETE_ROW,
                export=Export.OMITTED,  # failed sign-ins are exported from the audit entries
                rows=_LOCKOUT_ROWS,
            )
            for model in ("AccessAttempt", "AccessLog", "AccessFailureLog")
            for field, holds in (
                ("username", ("e-mail",)),
                ("ip_address", ("ip",)),
                ("user_agent", ("user-agent",)),
            )
        ),
        PersonalField(
            "axes.AccessAttempt",
            "get_data",
            holds=("free-text",),
            erasure=Erasure.DELETE_ROW,
            export=Export.OMITTED,
            rows=_LOCKOUT_ROWS,
        ),
        PersonalField(
            "axes.AccessAttempt",
            "post_data",
            holds=("e-mail",),
            erasure=Erasure.DELETE_ROW,
            export=Export.OMITTED,
            rows=_LOCKOUT_ROWS,
        ),
        PersonalField(
            "admin.LogEntry",
            "object_repr",
            holds=("e-mail",),  # an account is shown by its e-mail
            erasure=Erasure.SCRUB_TEXT,
            export=Export.OMITTED,
            rows="back-office changes of the account",
        ),
        PersonalField(
            "admin.LogEntry",
            "change_message",
            holds=("free-text",),
            erasure=Erasure.SCRUB_TEXT,
            export=Export.OMITTED,
            rows="back-office changes of the account",
        ),
    ),
    not_personal=(
        NotPersonal(
            "identity.AuditEvent",
            "detail",
            "ids, changed keys and amounts only: audit.record takes no personal data there",
        ),
        NotPersonal("admin.LogEntry", "object_id", "the primary key of the object changed"),
        NotPersonal(
            "sessions.Session",
            "session_data",
            "the signed-in account's id and a hash of its password hash; back-office sessions "
            "are for owners and staff, whom erasure does not take",
        ),
        NotPersonal("auth.Permission", "name", "a permission's label"),
        NotPersonal("auth.Permission", "codename", "a permission's code"),
        NotPersonal("auth.Group", "name", "a group's label (Emporium uses none)"),
    ),
)
