"""App configuration of the query-expression probe (tests only)."""

from django.apps import AppConfig


class ExpressionProbeConfig(AppConfig):
    name = "tests.testapps.expression_probe"
    label = "expression_probe"
    default_auto_field = "django.db.models.BigAutoField"
