"""Idempotency keys for creating POSTs: claimed per (tenant, account, key), answers replayed."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from uuid import UUID

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from emporium.infrastructure.http.models import IdempotencyRecord
from emporium.infrastructure.http.problems import PayloadTooLarge
from emporium.multitenancy.context import current_tenant

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
# 1 to 255 visible ASCII characters (no space, no control character).
_VALID_KEY = re.compile(r"[\x21-\x7e]{1,255}")
#: A claim still in progress after this long is taken to be abandoned (its request crashed).
STALE_AFTER = timedelta(minutes=5)
#: API.md: keys are kept at least 24 hours.
KEEP_FOR = timedelta(hours=24)
_CLAIM_ATTEMPTS = 3


class InvalidIdempotencyKey(APIException):
    """The ``Idempotency-Key`` header is empty, too long or not visible ASCII (400)."""

    status_code = 400
    default_detail = "Idempotency-Key must be 1 to 255 visible ASCII characters."
    problem_code = "invalid-idempotency-key"


class IdempotencyKeyReused(APIException):
    """The key was used before with another request (422)."""

    status_code = 422
    default_detail = "This Idempotency-Key was already used with a different request."
    problem_code = "idempotency-key-reused"


class IdempotencyKeyInFlight(APIException):
    """A request with the same key is still being processed (409)."""

    status_code = 409
    default_detail = "A request with this Idempotency-Key is still being processed; retry later."
    problem_code = "idempotency-key-in-flight"


def is_stored(status: int) -> bool:
    """Return whether an answer with ``status`` is stored and replayed (2xx, 402, 422)."""
    return 200 <= status < 300 or status in (402, 422)


def request_hash(method: str, path: str, body: bytes) -> str:
    """Return the SHA-256 hex digest that tells two requests under one key apart."""
    # Method and escaped path hold no newline, so the separators keep the parts unambiguous.
    return hashlib.sha256(method.encode() + b"\n" + path.encode() + b"\n" + body).hexdigest()


def valid_key(raw: str) -> str:
    """Return ``raw`` if it is a well-formed key, else raise ``InvalidIdempotencyKey``."""
    if not _VALID_KEY.fullmatch(raw):
        raise InvalidIdempotencyKey()
    return raw


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """An answer as stored and replayed: status, content type and body bytes."""

    status: int
    content_type: str
    body: bytes

    def response(self) -> HttpResponse:
        """Return the answer as a plain response, the same bytes every time."""
        return HttpResponse(self.body, status=self.status, content_type=self.content_type)


@dataclass(frozen=True, slots=True)
class Claim:
    """A key this request holds: its record and the claim time that identifies this holder."""

    record_id: int
    claimed_at: datetime

    def _mine(self) -> QuerySet[IdempotencyRecord]:
        # Once another request has taken the claim over, created_at differs: nothing matches.
        return IdempotencyRecord.objects.filter(
            pk=self.record_id, state=IdempotencyRecord.IN_PROGRESS, created_at=self.claimed_at
        )

    def complete(self, answer: StoredAnswer) -> bool:
        """Store ``answer`` and mark the key done; return False if the claim was lost."""
        updated = self._mine().update(
            state=IdempotencyRecord.DONE,
            response_status=answer.status,
            response_content_type=answer.content_type,
            response_body=answer.body,
            completed_at=timezone.now(),
        )
        return updated == 1

    def release(self) -> None:
        """Give the key up, so that the client may retry with it."""
        self._mine().delete()


def claim_key(user_id: UUID, key: str, fingerprint: str) -> Claim | StoredAnswer:
    """Claim ``key`` of ``user_id`` in the current tenant at once, or return its stored answer."""
    # Raises IdempotencyKeyReused (another request) or IdempotencyKeyInFlight (still running).
    for _ in range(_CLAIM_ATTEMPTS):
        now = timezone.now()
        try:
            # Committed before the work starts: concurrent requests see the claim and answer 409.
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user_id=user_id, key=key, request_hash=fingerprint, created_at=now
                )
            return Claim(record.pk, now)
        except IntegrityError:
            pass  # the key exists; the failed INSERT's transaction is gone, look in a new one
        with transaction.atomic():
            existing = IdempotencyRecord.objects.filter(user_id=user_id, key=key).first()
            if existing is None:
                continue  # released meanwhile by a request that failed: claim it again
            if existing.request_hash != fingerprint:
                raise IdempotencyKeyReused()
            if existing.state == IdempotencyRecord.DONE:
                return StoredAnswer(
                    existing.response_status or 0,
                    existing.response_content_type,
                    bytes(existing.response_body or b""),
                )
            if existing.created_at > now - STALE_AFTER:
                raise IdempotencyKeyInFlight()
            # Abandoned: take it over, conditionally, so that only one request ever does.
            taken = IdempotencyRecord.objects.filter(
                pk=existing.pk,
                state=IdempotencyRecord.IN_PROGRESS,
                created_at=existing.created_at,
            ).update(created_at=now)
            if taken:
                return Claim(existing.pk, now)
    raise IdempotencyKeyInFlight()


def _settle(claim: Claim, answer: StoredAnswer) -> None:
    """Store a replayable answer under the claim, or give the key up for a retry."""
    if not is_stored(answer.status):
        claim.release()
    elif not claim.complete(answer):
        # Taken over as abandoned while this request ran: the other run's outcome stands.
        raise IdempotencyKeyInFlight()


def _unstored(answer: StoredAnswer, response: HttpResponseBase) -> HttpResponse:
    """Return an answer that is not replayed, keeping its headers (Retry-After, ...)."""
    plain = answer.response()
    for name, value in response.items():
        if name.lower() not in {"content-type", "content-length"}:
            plain[name] = value
    return plain


def _release_after_failure(claim: Claim) -> None:
    try:
        with transaction.atomic():
            claim.release()
    except Exception:
        # The original error is the one to report; an unreleased claim goes stale in 5 minutes.
        logger.exception("could not release idempotency claim %s", claim.record_id)


def purge_idempotency_records(older_than: timedelta = KEEP_FOR) -> int:
    """Delete every tenant's records claimed more than ``older_than`` ago; return how many."""
    cutoff = timezone.now() - older_than
    deleted, _ = IdempotencyRecord.cross_tenant.filter(created_at__lt=cutoff).delete()
    return deleted


class IdempotentCreateMixin(APIView):
    """Make a DRF view's POSTs idempotent under ``Idempotency-Key`` (API.md, "Idempotency")."""

    # Listed first, before the view's base: class CreateThing(IdempotentCreateMixin, TenantAPIView).

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        """Return the view function, outside ``ATOMIC_REQUESTS``: it manages its transactions."""
        return transaction.non_atomic_requests(super().as_view(**initkwargs))

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        raw_key = request.headers.get(HEADER)
        if request.method != "POST" or raw_key is None:
            # What ATOMIC_REQUESTS would do: the whole request in one transaction.
            with transaction.atomic():
                return super().dispatch(request, *args, **kwargs)
        # DRF's dispatch, with the transactions of the keyed flow in between.
        self.args, self.kwargs = args, kwargs
        drf_request = self.initialize_request(request, *args, **kwargs)
        self.request = drf_request
        self.headers = self.default_response_headers
        try:
            response = self._dispatch_keyed(drf_request, request, raw_key, args, kwargs)
        except Exception as exc:  # noqa: BLE001 - as DRF: handle_exception re-raises the unknown
            response = self.handle_exception(exc)
        self.response = self.finalize_response(
            drf_request, cast(Response, response), *args, **kwargs
        )
        return self.response

    def _dispatch_keyed(
        self,
        request: Request,
        django_request: HttpRequest,
        raw_key: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponseBase:
        # Authentication, permissions and throttles in a transaction of their own: RLS shows
        # the token only inside one. A denial is answered inside it too, so its audit row stays.
        with transaction.atomic():
            try:
                self.initial(request, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - handle_exception re-raises the unknown
                return self.handle_exception(exc)
        user = request.user
        if current_tenant() is None or user is None or not user.is_authenticated:
            # Keys belong to an account in a tenant; without one the key is ignored.
            with transaction.atomic():
                return self._call_handler(request, args, kwargs)
        key = valid_key(raw_key)
        outcome = claim_key(user.pk, key, self._fingerprint(django_request))
        if isinstance(outcome, StoredAnswer):
            return outcome.response()
        return self._run_claimed(request, outcome, args, kwargs)

    def _run_claimed(
        self, request: Request, claim: Claim, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponse:
        try:
            with transaction.atomic():
                response = self._call_handler(request, args, kwargs)
                answer = self._render(request, response)
                # A handler may leave its transaction doomed (an error caught without a
                # savepoint); then its work is gone and the outcome is settled on its own below.
                doomed = transaction.get_rollback()
                if not doomed:
                    # In the work's transaction: the work and its answer commit together.
                    _settle(claim, answer)
            if doomed:
                with transaction.atomic():
                    _settle(claim, answer)
        except BaseException:
            _release_after_failure(claim)
            raise
        return answer.response() if is_stored(answer.status) else _unstored(answer, response)

    def _call_handler(
        self, request: Request, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponseBase:
        """Run the method's handler; turn its exceptions into the project's problem answers."""
        method = (request.method or "").lower()
        handler = (
            getattr(self, method, self.http_method_not_allowed)
            if method in self.http_method_names
            else self.http_method_not_allowed
        )
        try:
            response: HttpResponseBase = handler(request, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - handle_exception re-raises the unknown
            return self.handle_exception(exc)
        return response

    def _render(self, request: Request, response: HttpResponseBase) -> StoredAnswer:
        """Render ``response`` to bytes now, as Django would after the view returns."""
        if isinstance(response, Response):
            # What finalize_response prepares for rendering: the negotiated renderer.
            if getattr(request, "accepted_renderer", None) is None:
                negotiated = self.perform_content_negotiation(request, force=True)
                request.accepted_renderer, request.accepted_media_type = negotiated
            response.accepted_renderer = request.accepted_renderer
            response.accepted_media_type = request.accepted_media_type
            response.renderer_context = self.get_renderer_context()  # type: ignore[attr-defined]
            response.render()
        if not isinstance(response, HttpResponse):
            raise TypeError("an idempotent view must answer with a complete body, not a stream")
        return StoredAnswer(response.status_code, response["Content-Type"], response.content)

    @staticmethod
    def _fingerprint(request: HttpRequest) -> str:
        try:
            body = request.body
        except RequestDataTooBig as exc:
            raise PayloadTooLarge() from exc
        return request_hash(request.method or "", request.get_full_path(), body)
