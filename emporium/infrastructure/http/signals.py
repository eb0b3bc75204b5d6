"""Signals of the shared HTTP layer, for contexts that observe what the API refused."""

from __future__ import annotations

from django.dispatch import Signal

#: ``receiver(sender, request: rest_framework.request.Request, **kwargs)``: a permission check
#: refused a signed-in caller. Sent with ``send``, not robustly: a failing receiver fails the
#: request, as a failed audit must.
permission_denied = Signal()
