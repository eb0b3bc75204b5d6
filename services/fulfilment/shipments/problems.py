"""Errors as ``application/problem+json``: ``{"type", "title", "status", "detail"}``."""

from __future__ import annotations

from django.http import JsonResponse

PROBLEM_BASE = "https://emporium.example/problems/"


def problem(status: int, slug: str, title: str, detail: str) -> JsonResponse:
    """Return a problem response whose ``type`` ends with ``slug``."""
    body = {"type": PROBLEM_BASE + slug, "title": title, "status": status, "detail": detail}
    return JsonResponse(body, status=status, content_type="application/problem+json")


def not_found(request, exception=None) -> JsonResponse:
    """Answer an unknown path."""
    return problem(404, "not-found", "Not found", "No resource lives at this path.")


def server_error(request) -> JsonResponse:
    """Answer an unexpected failure, without its details."""
    return problem(500, "server-error", "Server error", "The service failed; try again later.")
