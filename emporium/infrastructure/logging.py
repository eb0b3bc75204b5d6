"""Structured logging support: the request id of the current request on every log line."""

from __future__ import annotations

import contextvars
import logging
from typing import Any

# "-" marks a line logged outside any request (a command, a worker's own bookkeeping).
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
# The request being served (None in a command or a worker): for records that want its address.
request_var: contextvars.ContextVar[Any] = contextvars.ContextVar("request", default=None)


def current_request() -> Any:
    """Return the Django request being served, or None outside a request."""
    return request_var.get()


class RequestIdFilter(logging.Filter):
    """Attach the current request id to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True
