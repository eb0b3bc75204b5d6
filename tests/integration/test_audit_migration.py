"""Migration identity.0004 on the entries written before it: the API's type names, no e-mail
left (a keyed hash where no account is named), no e-mail in the details."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

from emporium.identity.adapters import audit

migration = importlib.import_module("emporium.identity.migrations.0004_audit_trail")


@dataclass
class OldEntry:
    event: str
    email: str
    user_id: UUID | None
    detail: dict[str, Any]
    email_hash: str = ""
    saved: list[list[str]] = field(default_factory=list)

    def save(self, update_fields: list[str]) -> None:
        self.saved.append(update_fields)


class Rows:
    def __init__(self, rows: list[OldEntry]) -> None:
        self.rows = rows

    def using(self, alias: str) -> Rows:
        assert alias == "default"
        return self

    def iterator(self) -> list[OldEntry]:
        return self.rows


class Apps:
    def __init__(self, rows: list[OldEntry]) -> None:
        self.model = type("AuditEvent", (), {"objects": Rows(rows)})

    def get_model(self, app: str, name: str) -> Any:
        assert (app, name) == ("identity", "AuditEvent")
        return self.model


class SchemaEditor:
    connection = type("Connection", (), {"alias": "default"})


def test_old_entries_lose_their_e_mails_and_take_the_apis_names() -> None:
    ann = uuid4()
    rows = [
        OldEntry("sign_in", "ann@acme.example", ann, {"via": "token"}),
        OldEntry("sign_in_failed", " Nobody@Acme.example", None, {"locked_out": False}),
        OldEntry(
            "role_changed",
            "owner@acme.example",
            ann,
            {
                "account_id": "7",
                "account_email": "bob@acme.example",
                "old": "staff",
                "new": "owner",
            },
        ),
    ]

    migration.forget_emails(Apps(rows), SchemaEditor())

    assert [(r.event, r.email_hash, r.detail) for r in rows] == [
        ("sign_in_succeeded", "", {"via": "token"}),
        ("sign_in_failed", audit.email_hash("nobody@acme.example"), {"locked_out": False}),
        ("role_changed", "", {"account_id": "7", "old": "staff", "new": "owner"}),
    ]
    assert all(r.saved == [["event", "email_hash", "detail"]] for r in rows)
