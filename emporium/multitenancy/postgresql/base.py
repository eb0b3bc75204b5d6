"""PostgreSQL backend that hands the current tenant to Row-Level Security, per transaction.

Before the first statement of each transaction it runs
``set_config('app.tenant_id', <tenant id or ''>, true)``. The setting is transaction-local, so
it ends with the transaction: a pooled (or PgBouncer transaction-mode) connection can never carry
one tenant into the next request. Outside a transaction (autocommit) nothing is set, and the
policies show no private rows: tenant-scoped work must run inside ``transaction.atomic()``, which
requests (``ATOMIC_REQUESTS``), tenant tasks and tenant commands do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.backends.postgresql import base

from emporium.multitenancy.context import current_tenant

SET_TENANT_SQL = "SELECT set_config('app.tenant_id', %s, true)"
# After a rollback to a savepoint the setting is whatever it was when the savepoint was taken,
# which this wrapper does not track: UNKNOWN forces the next statement to set it again.
UNKNOWN = object()


class DatabaseWrapper(base.DatabaseWrapper):
    """Django's PostgreSQL backend plus the transaction-local tenant setting."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tenant_setting: object = ""  # the value in force in the current transaction
        self._managing_savepoint = False
        # The owner's alias bypasses RLS; it says so with SETS_TENANT = False and saves a trip.
        if self.settings_dict.get("SETS_TENANT", True):
            self.execute_wrappers.append(self._set_tenant_first)

    def _set_tenant_first(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        if not self._managing_savepoint and not self.get_autocommit():
            tenant = current_tenant()
            wanted = str(tenant.id) if tenant is not None else ""
            if self._tenant_setting != wanted:
                # On a cursor of its own: the caller's may be a server-side cursor, which only
                # DECLAREs its statement and so would never run the setting.
                with self.wrap_database_errors:
                    self.connection.execute(SET_TENANT_SQL, [wanted])
                self._tenant_setting = wanted
        return execute(sql, params, many, context)

    def _commit(self) -> None:
        self._tenant_setting = ""
        super()._commit()  # type: ignore[misc]

    def _rollback(self) -> None:
        self._tenant_setting = ""
        super()._rollback()  # type: ignore[misc]

    def _savepoint_rollback(self, sid: str) -> None:
        # The ROLLBACK TO SAVEPOINT must go first and alone: before it the transaction may be
        # failed, and a setting attempted ahead of it would be refused.
        self._managing_savepoint = True
        try:
            super()._savepoint_rollback(sid)  # type: ignore[misc]
        finally:
            self._managing_savepoint = False
        self._tenant_setting = UNKNOWN

    def _close(self) -> None:
        self._tenant_setting = ""
        super()._close()  # type: ignore[misc]
