"""Routes of the identity context under /api/v1/."""

from django.urls import path

from emporium.identity.api.audit import AuditListView
from emporium.identity.api.me import MeView
from emporium.identity.api.registration import RegistrationView
from emporium.identity.api.tokens import TokenView

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
    path("customers/", RegistrationView.as_view(), name="customers"),
    path("audit/", AuditListView.as_view(), name="audit"),
]
