"""Structured logging support: the request id of the current request on every log line."""

from __future__ import annotations

import contextvars
import logging

# "-" marks a line logged outside any request (a command, a worker's own bookkeeping).
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Attach the current request id to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True
