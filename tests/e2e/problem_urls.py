"""URLs of throwaway views that raise, for the problem-document tests."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from emporium.shared_kernel.errors import Conflict, DependencyUnavailable

logger = logging.getLogger("tests.problem_urls")


class EchoSerializer(serializers.Serializer[dict[str, object]]):
    name = serializers.CharField(max_length=5)
    count = serializers.IntegerField(min_value=1)


class OpenView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]


class EchoView(OpenView):
    def post(self, request: Request) -> Response:
        serializer = EchoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data, status=201)


class ConflictView(OpenView):
    def post(self, request: Request) -> Response:
        raise Conflict("Only 2 units of Mug are available.", code="insufficient-stock")


class UnavailableView(OpenView):
    def post(self, request: Request) -> Response:
        raise DependencyUnavailable("The card provider timed out.", retry_after=12)


class CrashView(OpenView):
    def get(self, request: Request) -> Response:
        raise RuntimeError("secret internal detail /srv/app/db.py")


def plain_crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internal detail in a plain Django view")


def logging_view(request: HttpRequest) -> HttpResponse:
    logger.warning("inside the view")
    return HttpResponse("ok")


urlpatterns = [
    path("api/echo/", EchoView.as_view()),
    path("api/conflict/", ConflictView.as_view()),
    path("api/unavailable/", UnavailableView.as_view()),
    path("api/crash/", CrashView.as_view()),
    path("api/plain-crash/", plain_crash),
    path("logged/", logging_view),
    path("", include("config.urls")),
]
